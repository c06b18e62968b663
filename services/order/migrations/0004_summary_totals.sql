-- Totals per Korea-time placing day and status for the summary (GET /orders/summary),
-- so it reads at most 92 days × 5 statuses of them however many orders there are.
-- Every insert, update (a transition, a refund, a corrected date) and delete of an order
-- appends its change to order_day_deltas from a trigger, in the order's own transaction:
-- an append takes no lock another writer waits for, so concurrent orders, handlers and
-- sweepers never queue or deadlock on a shared total. The summary folds the appended
-- changes into order_day_totals (one folder at a time) before it reads.
CREATE TABLE order_day_totals (
  day          date    NOT NULL,
  status       text    NOT NULL,
  orders       integer NOT NULL,
  paid_orders  integer NOT NULL,
  captured     bigint  NOT NULL,
  refunded     bigint  NOT NULL,
  PRIMARY KEY (day, status)
);

CREATE TABLE order_day_deltas (
  id           bigserial PRIMARY KEY,
  day          date    NOT NULL,
  status       text    NOT NULL,
  orders       integer NOT NULL,
  paid_orders  integer NOT NULL,
  captured     bigint  NOT NULL,
  refunded     bigint  NOT NULL
);

CREATE FUNCTION orders_append_day_delta() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.placed_day = NEW.placed_day AND OLD.status = NEW.status
     AND OLD.captured = NEW.captured AND OLD.refunded = NEW.refunded THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO order_day_deltas (day, status, orders, paid_orders, captured, refunded)
    VALUES (OLD.placed_day, OLD.status, -1, -((OLD.captured > 0)::int), -OLD.captured, -OLD.refunded);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO order_day_deltas (day, status, orders, paid_orders, captured, refunded)
    VALUES (NEW.placed_day, NEW.status, 1, (NEW.captured > 0)::int, NEW.captured, NEW.refunded);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER orders_day_deltas AFTER INSERT OR UPDATE OR DELETE ON orders
  FOR EACH ROW EXECUTE FUNCTION orders_append_day_delta();

INSERT INTO order_day_totals (day, status, orders, paid_orders, captured, refunded)
SELECT placed_day, status, count(*), count(*) FILTER (WHERE captured > 0), sum(captured), sum(refunded)
  FROM orders GROUP BY 1, 2;

-- The index the summary read before (0003) has no reader left.
DROP INDEX orders_summary_by_day_idx;
