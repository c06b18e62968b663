-- Transactional outbox: written in the same transaction as the state change it
-- announces; the relay publishes unsent rows in seq order and stamps sent_at only
-- after the broker confirmed.
CREATE TABLE outbox (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL,
  type text NOT NULL,
  envelope jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  last_error text
);

CREATE INDEX outbox_unsent_idx ON outbox (seq) WHERE sent_at IS NULL;
CREATE INDEX outbox_sent_at_idx ON outbox (sent_at) WHERE sent_at IS NOT NULL;

-- Inbox: one row per (consumer, event) handled, written in the handler's own
-- transaction, so a redelivered event finds its row and has no second effect.
CREATE TABLE inbox (
  consumer text NOT NULL,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
