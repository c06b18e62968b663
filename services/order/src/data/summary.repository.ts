import type { OrderStatus } from '@shop/contracts/order'
import { prepared, type Queryable, type Pool, withTransaction } from '@shop/platform/db'

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
// totals in one statement; the advisory lock lets one folder at a time do it (another
// finds it taken and reads at once: the changes still pending are read beside the totals).
const FOLD = `
  WITH d AS (DELETE FROM order_day_deltas RETURNING day, status, orders, paid_orders, captured, refunded),
  g AS (SELECT day, status, sum(orders)::int AS orders, sum(paid_orders)::int AS paid_orders,
               sum(captured)::bigint AS captured, sum(refunded)::bigint AS refunded
          FROM d GROUP BY day, status)
  INSERT INTO order_day_totals AS t (day, status, orders, paid_orders, captured, refunded)
  SELECT * FROM g ORDER BY day, status
  ON CONFLICT (day, status) DO UPDATE
    SET orders = t.orders + EXCLUDED.orders, paid_orders = t.paid_orders + EXCLUDED.paid_orders,
        captured = t.captured + EXCLUDED.captured, refunded = t.refunded + EXCLUDED.refunded`

const FOLD_LOCK = 727_275

/** Folds the appended changes into the totals, unless another process is folding them now. */
export async function foldDayTotals(pool: Pool): Promise<void> {
  await withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [FOLD_LOCK])
    if (rows[0].locked) await client.query(FOLD)
  })
}

// At most 92 days × 5 statuses of totals, and whatever changes are not folded in yet.
const SUMMARY = prepared(`
  SELECT to_char(day, 'YYYY-MM-DD') AS day, status,
         sum(orders)::int AS orders, sum(paid_orders)::int AS paid_orders,
         sum(captured)::bigint AS revenue, sum(refunded)::bigint AS refunded
    FROM (SELECT day, status, orders, paid_orders, captured, refunded FROM order_day_totals WHERE day BETWEEN $1::date AND $2::date
          UNION ALL
          SELECT day, status, orders, paid_orders, captured, refunded FROM order_day_deltas WHERE day BETWEEN $1::date AND $2::date) x
   GROUP BY day, status`)

/** Orders placed from `from` to `to` (Korea-time dates, both included), per day and status. */
export async function summarizeOrders(q: Queryable, from: string, to: string): Promise<SummaryRow[]> {
  const { rows } = await q.query<{ day: string; status: OrderStatus; orders: number; paid_orders: number; revenue: number; refunded: number }>(
    SUMMARY([from, to]),
  )
  return rows.map((r) => ({ day: r.day, status: r.status, orders: r.orders, paidOrders: r.paid_orders, revenue: r.revenue, refunded: r.refunded }))
}
