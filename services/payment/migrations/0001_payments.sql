-- One payment per order, prepared from order.created (or from the order service when
-- the client pays first). The row holds the latest outcome; every charge try is a row
-- of payment_attempts and every refund a row of refunds.
CREATE TABLE payments (
  id                uuid PRIMARY KEY,
  order_id          uuid NOT NULL UNIQUE,
  user_id           uuid NOT NULL,
  amount            bigint NOT NULL CHECK (amount >= 0),
  -- Only settled refunds count; the CHECK is the last wall against refunding more than was captured.
  refunded_amount   bigint NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
  status            text NOT NULL CHECK (status IN
                      ('READY', 'PROCESSING', 'COMPLETED', 'FAILED', 'PARTIALLY_REFUNDED', 'REFUNDED', 'CANCELLED')),
  method            text CHECK (method IN ('card', 'transfer', 'easy_pay')),
  approved_at       timestamptz,
  pg_transaction_id text,
  failure_code      text,
  failure_message   text,
  -- The order's payment deadline; null only for an order known to us through order.cancelled alone.
  expires_at        timestamptz,
  -- The order was cancelled while a charge was in flight: refund it as soon as it completes.
  cancel_requested  boolean NOT NULL DEFAULT false,
  cancel_reason     text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CHECK (status NOT IN ('COMPLETED', 'PARTIALLY_REFUNDED', 'REFUNDED') OR pg_transaction_id IS NOT NULL)
);

CREATE INDEX payments_user_idx ON payments (user_id);

-- Charge tries. pg_key is the Idempotency-Key sent to the PG: one per attempt, so a
-- retried confirm of the same attempt can never charge twice.
CREATE TABLE payment_attempts (
  id                uuid PRIMARY KEY,
  payment_id        uuid NOT NULL REFERENCES payments (id),
  pg_key            text NOT NULL UNIQUE,
  -- scope:key of the HTTP Idempotency-Key that started it, to answer a retry of that request.
  request_key       text,
  method            text NOT NULL CHECK (method IN ('card', 'transfer', 'easy_pay')),
  amount            bigint NOT NULL CHECK (amount >= 0),
  -- PENDING: the call is in flight; UNKNOWN: it timed out and the PG must be asked.
  status            text NOT NULL CHECK (status IN ('PENDING', 'UNKNOWN', 'APPROVED', 'DECLINED')),
  pg_transaction_id text,
  failure_code      text,
  failure_message   text,
  started_at        timestamptz NOT NULL DEFAULT now(),
  finished_at       timestamptz
);

CREATE INDEX payment_attempts_payment_idx ON payment_attempts (payment_id, started_at);
CREATE INDEX payment_attempts_unsettled_idx ON payment_attempts (started_at) WHERE status IN ('PENDING', 'UNKNOWN');

-- Refunds. A PENDING one reserves its amount before the PG is called; pg_key makes the
-- PG cancel safe to repeat until it is known to have happened.
CREATE TABLE refunds (
  id              uuid PRIMARY KEY,
  payment_id      uuid NOT NULL REFERENCES payments (id),
  amount          bigint NOT NULL CHECK (amount > 0),
  reason          text NOT NULL,
  pg_key          text NOT NULL UNIQUE,
  request_key     text UNIQUE,
  status          text NOT NULL CHECK (status IN ('PENDING', 'DONE', 'FAILED')),
  failure_code    text,
  failure_message text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  completed_at    timestamptz
);

CREATE INDEX refunds_payment_idx ON refunds (payment_id, created_at);
CREATE INDEX refunds_pending_idx ON refunds (created_at) WHERE status = 'PENDING';

-- The built-in PG simulator's "bank": every charge, cancel and voided key it has seen,
-- keyed by the caller's Idempotency-Key, in the payment database so that replicas and
-- restarts agree on what was charged.
CREATE TABLE pg_simulator_ledger (
  idempotency_key text PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('charge', 'cancel')),
  -- voided: looked up before any charge landed; the key can never charge afterwards.
  outcome         text NOT NULL CHECK (outcome IN ('approved', 'declined', 'voided')),
  transaction_id  text NOT NULL,
  order_id        text,
  amount          bigint NOT NULL CHECK (amount >= 0),
  code            text,
  message         text,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX pg_simulator_ledger_tx_idx ON pg_simulator_ledger (transaction_id, kind);
CREATE INDEX pg_simulator_ledger_order_idx ON pg_simulator_ledger (order_id) WHERE kind = 'charge';
