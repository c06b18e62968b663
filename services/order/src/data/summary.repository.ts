import type { OrderStatus } from '@shop/contracts/order'
import { prepared, type Queryable } from '@shop/platform/db'

/** Per Korea-time day and status: what the admin summary adds up. */
export interface SummaryRow {
  /** YYYY-MM-DD in Korea time. */
  day: string
  status: OrderStatus
  orders: number
  paidOrders: number
  revenue: number
  refunded: number
}

// The changes the orders' trigger appended (0004_summary_totals.sql), folded into the
// totals by whoever holds the advisory lock (one folder at a time, so folders never
// deadlock on the totals; another finds it taken and leaves the changes for later).
const FOLD_LOCK = 727_275
const FOLD_CTES = `
  l AS (SELECT pg_try_advisory_xact_lock(${FOLD_LOCK}) AS ok),
  d AS (DELETE FROM order_day_deltas WHERE (SELECT ok FROM l) RETURNING day, status, orders, paid_orders, captured, refunded),
  f AS (INSERT INTO order_day_totals AS t (day, status, orders, paid_orders, captured, refunded)
        SELECT day, status, sum(orders), sum(paid_orders), sum(captured), sum(refunded) FROM d GROUP BY day, status
        ON CONFLICT (day, status) DO UPDATE
          SET orders = t.orders + EXCLUDED.orders, paid_orders = t.paid_orders + EXCLUDED.paid_orders,
              captured = t.captured + EXCLUDED.captured, refunded = t.refunded + EXCLUDED.refunded)`

/** Folds the appended changes into the totals, unless another process is folding them now. */
export async function foldDayTotals(q: Queryable): Promise<void> {
  await q.query(`WITH ${FOLD_CTES} SELECT 1`)
}

// Folds and reads in one statement and one round trip. Every part of a statement sees the
// same snapshot, taken before the fold: the totals as they were plus the changes not yet
// folded, which is exactly what the fold leaves behind for the next reader.
const SUMMARY = prepared(`
  WITH ${FOLD_CTES}
  SELECT to_char(day, 'YYYY-MM-DD') AS day, status,
         sum(orders)::int AS orders, sum(paid_orders)::int AS paid_orders,
         sum(captured)::bigint AS revenue, sum(refunded)::bigint AS refunded
    FROM (SELECT day, status, orders, paid_orders, captured, refunded FROM order_day_totals WHERE day BETWEEN $1::date AND $2::date
          UNION ALL
          SELECT day, status, orders, paid_orders, captured, refunded FROM order_day_deltas WHERE day BETWEEN $1::date AND $2::date) x
   GROUP BY day, status`)

/** Orders placed from `from` to `to` (Korea-time dates, both included), per day and status; folds the pending changes on the way. */
export async function summarizeOrders(q: Queryable, from: string, to: string): Promise<SummaryRow[]> {
  const { rows } = await q.query<{ day: string; status: OrderStatus; orders: number; paid_orders: number; revenue: number; refunded: number }>(
    SUMMARY([from, to]),
  )
  return rows.map((r) => ({ day: r.day, status: r.status, orders: r.orders, paidOrders: r.paid_orders, revenue: r.revenue, refunded: r.refunded }))
}
