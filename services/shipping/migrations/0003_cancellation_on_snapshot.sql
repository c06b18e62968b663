-- An order's cancellation moves onto its order_snapshots row, so payment.completed and
-- order.cancelled meet on one row lock instead of an advisory lock taken in a statement
-- of its own: payment.completed creates the shipment in one statement that locks the
-- snapshot and re-reads cancelled_at after any wait, and order.cancelled marks the row
-- (creating it when order.created has not arrived yet) before it looks for a shipment.
-- A row made by a cancellation alone knows no user, address or fee: no shipment can come from it.
ALTER TABLE order_snapshots
  ALTER COLUMN user_id DROP NOT NULL,
  ALTER COLUMN address_enc DROP NOT NULL,
  ALTER COLUMN fee DROP NOT NULL,
  ADD COLUMN cancelled_at timestamptz,
  ADD COLUMN cancel_reason text,
  ADD CONSTRAINT order_snapshots_known_or_cancelled
    CHECK ((user_id IS NOT NULL AND address_enc IS NOT NULL AND fee IS NOT NULL) OR cancelled_at IS NOT NULL),
  ADD CONSTRAINT order_snapshots_cancel_reason CHECK ((cancelled_at IS NULL) = (cancel_reason IS NULL));

INSERT INTO order_snapshots (order_id, cancelled_at, cancel_reason)
SELECT order_id, cancelled_at, reason FROM order_cancellations
ON CONFLICT (order_id) DO UPDATE SET cancelled_at = EXCLUDED.cancelled_at, cancel_reason = EXCLUDED.cancel_reason;

-- Dropped rather than left behind: during a rollout, a pod of the previous release fails
-- its payment.completed and order.cancelled (both read this table) and the bus retries
-- them on a new pod, instead of one release recording a cancellation the other never reads.
DROP TABLE order_cancellations;
