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

// One index-only scan of orders_summary_by_day_idx over the range, already in (day, status)
// order: at most 92 × 5 groups leave the database.
const SUMMARY = prepared(`
  SELECT to_char(placed_day, 'YYYY-MM-DD') AS day, status,
         count(*)::int AS orders,
         count(*) FILTER (WHERE captured > 0)::int AS paid_orders,
         COALESCE(sum(captured), 0)::bigint AS revenue,
         COALESCE(sum(refunded), 0)::bigint AS refunded
    FROM orders
   WHERE placed_day BETWEEN $1::date AND $2::date
   GROUP BY placed_day, status`)

/** Orders placed from `from` to `to` (Korea-time dates, both included), per day and status. */
export async function summarizeOrders(q: Queryable, from: string, to: string): Promise<SummaryRow[]> {
  const { rows } = await q.query<{ day: string; status: OrderStatus; orders: number; paid_orders: number; revenue: number; refunded: number }>(
    SUMMARY([from, to]),
  )
  return rows.map((r) => ({ day: r.day, status: r.status, orders: r.orders, paidOrders: r.paid_orders, revenue: r.revenue, refunded: r.refunded }))
}
