import type { PaymentStatus } from '@shop/contracts/payment'
import type { Queryable } from '@shop/platform/db'

/** Read-only SQL behind GET /internal/audit: each order's payment, its charges, refunds and the PG's books. */

export interface PaymentFacts {
  paymentId: string
  orderId: string
  status: PaymentStatus
  amount: number
  refundedAmount: number
  cancelRequested: boolean
  updatedAt: string
  /** Charge attempts: approved ones, what they captured, and those whose outcome is not known yet. */
  charges: { approved: number; captured: number; unsettled: number }
  /** Refund rows: settled and in-progress amounts, and since when the oldest one waits. */
  refunds: { done: number; pending: number; oldestPendingAt: string | null }
  /** The built-in PG simulator's own record of the order (null with a real PG). */
  bank: { charges: number; charged: number; cancelled: number } | null
}

interface Row {
  id: string
  order_id: string
  status: PaymentStatus
  amount: number
  refunded_amount: number
  cancel_requested: boolean
  updated_at: Date
  approved: number
  captured: number
  unsettled: number
  done: number
  pending: number
  oldest_pending: Date | null
}

/** A page of payments by order id after `after`; `withBank` adds the simulator ledger's view. */
export async function paymentFacts(db: Queryable, after: string | undefined, limit: number, withBank: boolean): Promise<PaymentFacts[]> {
  const { rows } = await db.query<Row>(
    `SELECT p.id, p.order_id, p.status, p.amount, p.refunded_amount, p.cancel_requested, p.updated_at,
            COALESCE(a.approved, 0) AS approved, COALESCE(a.captured, 0) AS captured, COALESCE(a.unsettled, 0) AS unsettled,
            COALESCE(r.done, 0) AS done, COALESCE(r.pending, 0) AS pending, r.oldest_pending
       FROM payments p
       LEFT JOIN LATERAL (
         SELECT count(*) FILTER (WHERE status = 'APPROVED') AS approved,
                sum(amount) FILTER (WHERE status = 'APPROVED')::bigint AS captured,
                count(*) FILTER (WHERE status IN ('PENDING', 'UNKNOWN')) AS unsettled
           FROM payment_attempts WHERE payment_id = p.id
       ) a ON true
       LEFT JOIN LATERAL (
         SELECT sum(amount) FILTER (WHERE status = 'DONE')::bigint AS done,
                sum(amount) FILTER (WHERE status = 'PENDING')::bigint AS pending,
                min(created_at) FILTER (WHERE status = 'PENDING') AS oldest_pending
           FROM refunds WHERE payment_id = p.id
       ) r ON true
      WHERE $1::uuid IS NULL OR p.order_id > $1::uuid
      ORDER BY p.order_id
      LIMIT $2`,
    [after ?? null, limit],
  )
  const bank = withBank ? await bankFacts(db, rows.map((r) => r.order_id)) : null
  return rows.map((r) => ({
    paymentId: r.id,
    orderId: r.order_id,
    status: r.status,
    amount: r.amount,
    refundedAmount: r.refunded_amount,
    cancelRequested: r.cancel_requested,
    updatedAt: r.updated_at.toISOString(),
    charges: { approved: r.approved, captured: r.captured, unsettled: r.unsettled },
    refunds: { done: r.done, pending: r.pending, oldestPendingAt: r.oldest_pending?.toISOString() ?? null },
    bank: bank ? (bank.get(r.order_id) ?? { charges: 0, charged: 0, cancelled: 0 }) : null,
  }))
}

/** Approved charges per order in the simulator's ledger, with what was cancelled of them. */
async function bankFacts(db: Queryable, orderIds: string[]): Promise<Map<string, NonNullable<PaymentFacts['bank']>>> {
  if (orderIds.length === 0) return new Map()
  const { rows } = await db.query<{ order_id: string; charges: number; charged: number; cancelled: number }>(
    `SELECT c.order_id, count(*) AS charges, sum(c.amount)::bigint AS charged, COALESCE(sum(x.cancelled), 0)::bigint AS cancelled
       FROM pg_simulator_ledger c
       LEFT JOIN LATERAL (
         SELECT sum(amount)::bigint AS cancelled FROM pg_simulator_ledger
          WHERE transaction_id = c.transaction_id AND kind = 'cancel' AND outcome = 'approved'
       ) x ON true
      WHERE c.kind = 'charge' AND c.outcome = 'approved' AND c.order_id = ANY($1::text[])
      GROUP BY c.order_id`,
    [orderIds],
  )
  return new Map(rows.map((r) => [r.order_id, { charges: r.charges, charged: r.charged, cancelled: r.cancelled }]))
}
