-- Idempotency-Key records, one table per service database. A row is the key's claim
-- while its first request runs (in_progress, with a short lease in expires_at so a
-- crashed request does not pin the key) and then the stored response (completed).
CREATE TABLE idempotency_keys (
  scope            text        NOT NULL,
  key              text        NOT NULL,
  request_hash     text        NOT NULL,
  state            text        NOT NULL CHECK (state IN ('in_progress', 'completed')),
  response_status  int,
  response_body    jsonb,
  response_headers jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL,
  PRIMARY KEY (scope, key),
  CHECK (state = 'in_progress' OR response_status IS NOT NULL)
);

-- purgeExpired() deletes by expiry.
CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at);
