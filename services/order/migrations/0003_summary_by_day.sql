-- The Korea-time date the order was placed on (Korea keeps no daylight saving), so the
-- summary (GET /orders/summary) groups by a plain column whose statistics the planner
-- knows and reads the range as an index-only scan already in (day, status) order: no
-- sort and no per-row time-zone arithmetic (they cost 400 ms on 100,000 orders).
ALTER TABLE orders ADD COLUMN placed_day date GENERATED ALWAYS AS ((created_at AT TIME ZONE 'Asia/Seoul')::date) STORED;
DROP INDEX orders_summary_idx;
CREATE INDEX orders_summary_by_day_idx ON orders (placed_day, status) INCLUDE (captured, refunded);
