-- What the admin dashboard's summary (GET /orders/summary) adds up per Korea-time day,
-- kept on the order by every transition (order.repository.ts saveTransition) so the
-- summary is an index-only scan of the range rather than a read of every payment summary.
-- captured: the amount captured from the customer (the order's total once its payment
-- completed, refunded or not); refunded: how much of it went back.
ALTER TABLE orders
  ADD COLUMN captured bigint NOT NULL DEFAULT 0 CHECK (captured >= 0),
  ADD COLUMN refunded bigint NOT NULL DEFAULT 0 CHECK (refunded >= 0);

UPDATE orders
   SET captured = CASE WHEN payment->>'status' IN ('COMPLETED', 'PARTIALLY_REFUNDED', 'REFUNDED') THEN total ELSE 0 END,
       refunded = COALESCE((payment->>'refundedAmount')::bigint, 0)
 WHERE payment IS NOT NULL;

CREATE INDEX orders_summary_idx ON orders (created_at) INCLUDE (status, captured, refunded);

-- Admin filter of GET /orders by status, newest first.
CREATE INDEX orders_status_created_idx ON orders (status, created_at DESC, id DESC);
