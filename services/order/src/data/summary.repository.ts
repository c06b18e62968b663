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

// One index-only scan of orders_summary_idx over the range (days bounded by Korea-time
// midnights), grouped by day and status: at most 92 × 5 rows leave the database.
const SUMMARY = prepared(`
  SELECT to_char((created_at AT TIME ZONE 'Asia/Seoul')::date, 'YYYY-MM-DD') AS day, status,
         count(*)::int AS orders,
         count(*) FILTER (WHERE captured > 0)::int AS paid_orders,
         COALESCE(sum(captured), 0)::bigint AS revenue,
         COALESCE(sum(refunded), 0)::bigint AS refunded
    FROM orders
   WHERE created_at >= ($1::date)::timestamp AT TIME ZONE 'Asia/Seoul'
     AND created_at < ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Seoul'
   GROUP BY 1, 2`)

/** Orders placed from `from` to `to` (Korea-time dates, both included), per day and status. */
export async function summarizeOrders(q: Queryable, from: string, to: string): Promise<SummaryRow[]> {
  const { rows } = await q.query<{ day: string; status: OrderStatus; orders: number; paid_orders: number; revenue: number; refunded: number }>(
    SUMMARY([from, to]),
  )
  return rows.map((r) => ({ day: r.day, status: r.status, orders: r.orders, paidOrders: r.paid_orders, revenue: r.revenue, refunded: r.refunded }))
}
