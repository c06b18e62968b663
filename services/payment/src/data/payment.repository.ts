import { randomUUID } from 'node:crypto'
import type { PaymentMethod, PaymentStatus } from '@shop/contracts/payment'
import type { Queryable } from '@shop/platform/db'

/** The payments table: SQL in, plain objects out. */

export interface PaymentRow {
  id: string
  orderId: string
  userId: string
  amount: number
  refundedAmount: number
  status: PaymentStatus
  method: PaymentMethod | null
  approvedAt: Date | null
  pgTransactionId: string | null
  failureCode: string | null
  failureMessage: string | null
  expiresAt: Date | null
  cancelRequested: boolean
  cancelReason: string | null
}

const COLUMNS = `id, order_id AS "orderId", user_id AS "userId", amount, refunded_amount AS "refundedAmount",
  status, method, approved_at AS "approvedAt", pg_transaction_id AS "pgTransactionId",
  failure_code AS "failureCode", failure_message AS "failureMessage", expires_at AS "expiresAt",
  cancel_requested AS "cancelRequested", cancel_reason AS "cancelReason"`

export interface PreparedOrder {
  orderId: string
  userId: string
  amount: number
  expiresAt: Date
}

/**
 * Prepares the READY payment of an order unless it has one. An order first known to us
 * as cancelled (order.cancelled overtook order.created) keeps its CANCELLED status and
 * only learns its amount and deadline here.
 */
export async function insertPrepared(db: Queryable, o: PreparedOrder): Promise<void> {
  await db.query(
    `INSERT INTO payments (id, order_id, user_id, amount, status, expires_at)
     VALUES ($1, $2, $3, $4, 'READY', $5)
     ON CONFLICT (order_id) DO UPDATE SET amount = EXCLUDED.amount, expires_at = EXCLUDED.expires_at, updated_at = now()
       WHERE payments.status = 'CANCELLED' AND payments.expires_at IS NULL`,
    [randomUUID(), o.orderId, o.userId, o.amount, o.expiresAt],
  )
}

/**
 * Records that an order we have not prepared yet was cancelled, so it can never be
 * prepared as payable. False when a payment for the order exists after all.
 */
export async function insertCancelled(db: Queryable, o: { orderId: string; userId: string; reason: string }): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO payments (id, order_id, user_id, amount, status, cancel_reason)
     VALUES ($1, $2, $3, 0, 'CANCELLED', $4) ON CONFLICT (order_id) DO NOTHING`,
    [randomUUID(), o.orderId, o.userId, o.reason],
  )
  return rowCount === 1
}

export async function findPayment(db: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<PaymentRow | undefined> {
  const { rows } = await db.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id])
  return rows[0]
}

export async function findPaymentByOrder(db: Queryable, orderId: string, opts: { forUpdate?: boolean } = {}): Promise<PaymentRow | undefined> {
  const { rows } = await db.query<PaymentRow>(
    `SELECT ${COLUMNS} FROM payments WHERE order_id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [orderId],
  )
  return rows[0]
}

/**
 * Claims the payment for one charge: READY/FAILED → PROCESSING, only while its order is
 * payable. The row lock of the UPDATE lets exactly one of any number of concurrent
 * claims win; the others match no row.
 */
export async function claimForCharge(db: Queryable, id: string, method: PaymentMethod): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE payments SET status = 'PROCESSING', method = $2, updated_at = now()
      WHERE id = $1 AND status IN ('READY', 'FAILED') AND expires_at > now()`,
    [id, method],
  )
  return rowCount === 1
}

/** PROCESSING → COMPLETED with the PG's transaction. */
export async function markCompleted(
  db: Queryable,
  id: string,
  r: { method: PaymentMethod; approvedAt: Date; pgTransactionId: string },
): Promise<PaymentRow | undefined> {
  const { rows } = await db.query<PaymentRow>(
    `UPDATE payments SET status = 'COMPLETED', method = $2, approved_at = $3, pg_transaction_id = $4,
            failure_code = NULL, failure_message = NULL, updated_at = now()
      WHERE id = $1 AND status = 'PROCESSING' RETURNING ${COLUMNS}`,
    [id, r.method, r.approvedAt, r.pgTransactionId],
  )
  return rows[0]
}

/** PROCESSING → FAILED (payable again) or CANCELLED (its order was cancelled meanwhile). */
export async function markChargeFailed(
  db: Queryable,
  id: string,
  r: { status: 'FAILED' | 'CANCELLED'; code: string; message: string },
): Promise<PaymentRow | undefined> {
  const { rows } = await db.query<PaymentRow>(
    `UPDATE payments SET status = $2, failure_code = $3, failure_message = $4, updated_at = now()
      WHERE id = $1 AND status = 'PROCESSING' RETURNING ${COLUMNS}`,
    [id, r.status, r.code, r.message],
  )
  return rows[0]
}

/** Undoes a claim whose charge never reached the PG: back to READY or FAILED (CANCELLED if the order went meanwhile). */
export async function releaseClaim(db: Queryable, id: string): Promise<void> {
  await db.query(
    `UPDATE payments SET updated_at = now(), status = CASE
        WHEN cancel_requested THEN 'CANCELLED' WHEN failure_code IS NULL THEN 'READY' ELSE 'FAILED' END
      WHERE id = $1 AND status = 'PROCESSING'`,
    [id],
  )
}

export async function markCancelled(db: Queryable, id: string, reason: string): Promise<void> {
  await db.query(
    `UPDATE payments SET status = 'CANCELLED', cancel_requested = true, cancel_reason = $2, updated_at = now() WHERE id = $1`,
    [id, reason],
  )
}

/** Remembers that the order was cancelled, for a charge in flight or a refund to come. */
export async function markCancelRequested(db: Queryable, id: string, reason: string): Promise<void> {
  await db.query('UPDATE payments SET cancel_requested = true, cancel_reason = $2, updated_at = now() WHERE id = $1', [id, reason])
}

/**
 * Adds a settled refund. The condition repeats the table's CHECK so that, whatever
 * happened before, the refunded total never passes what was captured.
 */
export async function addRefunded(db: Queryable, id: string, amount: number): Promise<PaymentRow | undefined> {
  const { rows } = await db.query<PaymentRow>(
    `UPDATE payments SET refunded_amount = refunded_amount + $2, updated_at = now(),
            status = CASE WHEN refunded_amount + $2 >= amount THEN 'REFUNDED' ELSE 'PARTIALLY_REFUNDED' END
      WHERE id = $1 AND status IN ('COMPLETED', 'PARTIALLY_REFUNDED') AND refunded_amount + $2 <= amount
      RETURNING ${COLUMNS}`,
    [id, amount],
  )
  return rows[0]
}
