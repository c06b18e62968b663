import { randomUUID } from 'node:crypto'
import type { PaymentMethod, PaymentStatus } from '@shop/contracts/payment'
import { prepared, type Queryable } from '@shop/platform/db'
import { idempotencyComplete } from '@shop/platform/idempotency'
import { outboxInsert, type OutboxRow } from '@shop/platform/outbox'
import type { AttemptStatus } from './attempt.repository.ts'

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

/** The payments columns as a PaymentRow reads them. */
export const PAYMENT_COLUMNS = `id, order_id AS "orderId", user_id AS "userId", amount, refunded_amount AS "refundedAmount",
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
 * The upsert that prepares an order's READY payment unless it has one. An order first
 * known to us as cancelled (its order.cancelled came before any payment request) keeps
 * its CANCELLED status and only learns its amount and deadline.
 */
const INSERT_PREPARED = prepared(`
  INSERT INTO payments (id, order_id, user_id, amount, status, expires_at)
  VALUES ($1::uuid, $2::uuid, $3::uuid, $4::bigint, 'READY', $5::timestamptz)
  ON CONFLICT (order_id) DO UPDATE SET amount = EXCLUDED.amount, expires_at = EXCLUDED.expires_at, updated_at = now()
    WHERE payments.status = 'CANCELLED' AND payments.expires_at IS NULL
  RETURNING ${PAYMENT_COLUMNS}`)

/** Prepares the READY payment of an order unless it has one (INSERT_PREPARED); returns the row when this call wrote it. */
export async function insertPrepared(db: Queryable, o: PreparedOrder): Promise<PaymentRow | undefined> {
  const { rows } = await db.query<PaymentRow>(INSERT_PREPARED([randomUUID(), o.orderId, o.userId, o.amount, o.expiresAt]))
  return rows[0]
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
  const { rows } = await db.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id])
  return rows[0]
}

export async function findPaymentByOrder(db: Queryable, orderId: string, opts: { forUpdate?: boolean } = {}): Promise<PaymentRow | undefined> {
  const { rows } = await db.query<PaymentRow>(
    `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [orderId],
  )
  return rows[0]
}

const FIND_FOR_REQUEST = prepared(`
  SELECT ${PAYMENT_COLUMNS},
         (SELECT a.status FROM payment_attempts a WHERE a.payment_id = payments.id AND a.request_key = $2
           ORDER BY a.started_at DESC LIMIT 1) AS "ownAttempt"
    FROM payments WHERE order_id = $1`)

/** The order's payment and the status of the latest attempt that `requestKey` started on it, in one statement. */
export async function findPaymentForRequest(
  db: Queryable,
  orderId: string,
  requestKey: string,
): Promise<{ payment: PaymentRow; ownAttempt: AttemptStatus | null } | undefined> {
  const { rows } = await db.query<PaymentRow & { ownAttempt: AttemptStatus | null }>(FIND_FOR_REQUEST([orderId, requestKey]))
  if (!rows[0]) return undefined
  const { ownAttempt, ...payment } = rows[0]
  return { payment, ownAttempt }
}

/** What the PG answered for an attempt, as the attempt and its payment record it. */
export type ChargeOutcome =
  | { status: 'APPROVED'; method: PaymentMethod; approvedAt: Date; pgTransactionId: string }
  | { status: 'DECLINED'; code: string; message: string }

export interface SettledCharge {
  /** False when the attempt had an answer already (another path settled it first): nothing was written. */
  settled: boolean
  /** The payment as the settlement left it; absent when it was not PROCESSING (nothing was written). */
  payment?: PaymentRow
}

const SETTLE_CHARGE = prepared(`
  WITH a AS (
    UPDATE payment_attempts SET status = $3, pg_transaction_id = $4, failure_code = $5, failure_message = $6, finished_at = now()
     WHERE id = $2 AND status IN ('PENDING', 'UNKNOWN') RETURNING id),
  p AS (
    UPDATE payments SET
           status = CASE WHEN $3 = 'APPROVED' THEN 'COMPLETED' WHEN cancel_requested THEN 'CANCELLED' ELSE 'FAILED' END,
           method = COALESCE($7, method), approved_at = COALESCE($8, approved_at),
           pg_transaction_id = COALESCE($4, pg_transaction_id), failure_code = $5, failure_message = $6, updated_at = now()
     WHERE id = $1 AND status = 'PROCESSING' AND EXISTS (SELECT 1 FROM a)
    RETURNING ${PAYMENT_COLUMNS}),
  e AS (${outboxInsert(9, 'EXISTS (SELECT 1 FROM p)')})
  SELECT EXISTS (SELECT 1 FROM a) AS settled, p.* FROM (SELECT 1) AS one LEFT JOIN p ON true`)

/**
 * Records the PG's answer on an attempt that has none yet and moves its PROCESSING
 * payment on, with the event announcing it, in one statement: approved → COMPLETED;
 * declined → FAILED (payable again), or CANCELLED when its order was cancelled meanwhile.
 * The payment row's lock orders this against an order.cancelled handler, and the status
 * it writes is decided from the row as that lock left it. The event is written only
 * with the payment's change.
 */
export async function settleChargeRows(
  db: Queryable,
  paymentId: string,
  attemptId: string,
  o: ChargeOutcome,
  event: OutboxRow,
): Promise<SettledCharge> {
  const approved = o.status === 'APPROVED'
  const { rows } = await db.query<PaymentRow & { settled: boolean }>(
    SETTLE_CHARGE([
      paymentId,
      attemptId,
      o.status,
      approved ? o.pgTransactionId : null,
      approved ? null : o.code,
      approved ? null : o.message,
      approved ? o.method : null,
      approved ? o.approvedAt : null,
      ...event,
    ]),
  )
  const { settled, ...payment } = rows[0]
  return payment.id ? { settled, payment } : { settled }
}

const SETTLE_CHARGE_ANSWERED = prepared(`
  WITH a AS (
    UPDATE payment_attempts SET status = $3, pg_transaction_id = $4, failure_code = $5, failure_message = $6, finished_at = now()
     WHERE id = $2 AND status IN ('PENDING', 'UNKNOWN') AND EXISTS (SELECT 1 FROM payments WHERE id = $1 AND status = 'PROCESSING')
    RETURNING id),
  p AS (
    UPDATE payments SET
           status = CASE WHEN $3 = 'APPROVED' THEN 'COMPLETED' WHEN cancel_requested THEN 'CANCELLED' ELSE 'FAILED' END,
           method = COALESCE($7, method), approved_at = COALESCE($8, approved_at),
           pg_transaction_id = COALESCE($4, pg_transaction_id), failure_code = $5, failure_message = $6, updated_at = now()
     WHERE id = $1 AND status = 'PROCESSING' AND EXISTS (SELECT 1 FROM a)
    RETURNING ${PAYMENT_COLUMNS}),
  e AS (${outboxInsert(9, 'EXISTS (SELECT 1 FROM p)', { direct: true })}),
  r AS (
    INSERT INTO refunds (id, payment_id, amount, reason, pg_key, status)
    SELECT $12::uuid, p.id, p.amount, 'order cancelled: ' || COALESCE(p."cancelReason", 'cancelled'), 'refund-' || $12::uuid::text, 'PENDING'
      FROM p WHERE p.status = 'COMPLETED' AND p."cancelRequested"
    RETURNING id),
  k AS (${idempotencyComplete(13, {
    from: 'p',
    when: `NOT (p.status = 'COMPLETED' AND p."cancelRequested")`,
    body: (param) => `jsonb_set(${param}, '{status}', to_jsonb(p.status))`,
  })})
  SELECT EXISTS (SELECT 1 FROM a) AS settled, EXISTS (SELECT 1 FROM r) AS "refundQueued",
         (SELECT status FROM payments WHERE id = $1) AS "paymentWas",
         (SELECT status IN ('PENDING', 'UNKNOWN') FROM payment_attempts WHERE id = $2) AS "attemptOpen",
         p.*
    FROM (SELECT 1) AS one LEFT JOIN p ON true`)

export interface AnsweredSettlement extends SettledCharge {
  /** An approved charge of an order cancelled meanwhile: its refund was reserved, and the key left unanswered. */
  refundQueued: boolean
  /** The attempt had no answer yet and its payment was not PROCESSING (its status, or 'missing'): an invariant broken; nothing was written. */
  stuck?: PaymentStatus | 'missing'
}

/**
 * settleChargeRows for the request that made the charge, in one statement with no
 * transaction around it: the attempt and payment settle, with their event; an approved
 * charge of an order cancelled meanwhile reserves its refund (as settleCharge does); and
 * otherwise the request's Idempotency-Key is answered (`answerRow`, an
 * IdempotencyClaim's, its body's status set to the payment's as settled). So whatever
 * fails, the settlement and the key's answer commit together or not at all. An attempt
 * whose payment is not PROCESSING is left alone (settled false, `stuck`).
 */
export async function settleChargeAnswered(
  db: Queryable,
  paymentId: string,
  attemptId: string,
  o: ChargeOutcome,
  event: OutboxRow,
  answerRow: unknown[],
): Promise<AnsweredSettlement> {
  const approved = o.status === 'APPROVED'
  const { rows } = await db.query<PaymentRow & { settled: boolean; refundQueued: boolean; paymentWas: PaymentStatus | null; attemptOpen: boolean | null }>(
    SETTLE_CHARGE_ANSWERED([
      paymentId,
      attemptId,
      o.status,
      approved ? o.pgTransactionId : null,
      approved ? null : o.code,
      approved ? null : o.message,
      approved ? o.method : null,
      approved ? o.approvedAt : null,
      ...event,
      randomUUID(),
      ...answerRow,
    ]),
  )
  const { settled, refundQueued, paymentWas, attemptOpen, ...payment } = rows[0]
  const stuck = !settled && attemptOpen && paymentWas !== 'PROCESSING' ? (paymentWas ?? 'missing') : undefined
  return { settled, refundQueued, ...(payment.id ? { payment } : {}), ...(stuck ? { stuck } : {}) }
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
      RETURNING ${PAYMENT_COLUMNS}`,
    [id, amount],
  )
  return rows[0]
}
