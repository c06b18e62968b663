-- A row its writer publishes itself right after the commit (the hot paths: an order
-- placed, a charge settled) is left to the relay only from publish_after on, so the two
-- do not both send it; the writer stamps sent_at once the broker confirmed. Every other
-- row is due at once (the default), as before.
ALTER TABLE outbox ADD COLUMN publish_after timestamptz NOT NULL DEFAULT now();
