import { randomUUID } from 'node:crypto'
import type { PaymentMethod } from '@shop/contracts/payment'
import { prepared, type Queryable } from '@shop/platform/db'
import { idempotencyClaim } from '@shop/platform/idempotency'
import { PAYMENT_COLUMNS, type PaymentRow } from './payment.repository.ts'

/** The payment_attempts table: one row per charge sent (or about to be sent) to the PG. */

export type AttemptStatus = 'PENDING' | 'UNKNOWN' | 'APPROVED' | 'DECLINED'

export interface AttemptRow {
  id: string
  paymentId: string
  orderId: string
  /** The payment's (and its order's) owner. */
  userId: string
  pgKey: string
  requestKey: string | null
  method: PaymentMethod
  amount: number
  status: AttemptStatus
}

/** An attempt just started, with its payment as the claim left it (PROCESSING). */
export interface StartedAttempt extends AttemptRow {
  claimed: PaymentRow
}

const COLUMNS = `a.id, a.payment_id AS "paymentId", p.order_id AS "orderId", p.user_id AS "userId", a.pg_key AS "pgKey",
  a.request_key AS "requestKey", a.method, a.amount, a.status`

/** The claim of a payment (`which`: its WHERE) for one charge, and the attempt it starts: parameters $1–$6, the payment as claimed out. */
const startAttemptSql = (which: string) => `
  WITH claimed AS (
    UPDATE payments SET status = 'PROCESSING', method = $5, updated_at = now()
     WHERE ${which} AND status IN ('READY', 'FAILED') AND expires_at > now()
    RETURNING ${PAYMENT_COLUMNS}),
  attempt AS (
    INSERT INTO payment_attempts (id, payment_id, pg_key, request_key, method, amount, status)
    SELECT $1, id, $3, $4, $5, $6, 'PENDING' FROM claimed)
  SELECT * FROM claimed`

const START_ATTEMPT = prepared(startAttemptSql('id = $2'))

/**
 * Claims the payment for one charge and starts its attempt, in one statement: READY or
 * FAILED → PROCESSING, only while its order is payable. The row lock of the UPDATE lets
 * exactly one of any number of concurrent claims win; the others match no row, insert
 * no attempt and get null. The attempt's PG idempotency key is derived from its id, so
 * it is stable for the attempt's life.
 */
export async function startAttempt(
  db: Queryable,
  a: { paymentId: string; orderId: string; userId: string; requestKey: string | null; method: PaymentMethod; amount: number },
): Promise<StartedAttempt | null> {
  const id = randomUUID()
  const pgKey = `charge-${id}`
  const { rows } = await db.query<PaymentRow>(START_ATTEMPT([id, a.paymentId, pgKey, a.requestKey, a.method, a.amount]))
  if (!rows[0]) return null
  return { id, ...a, pgKey, status: 'PENDING', claimed: rows[0] }
}

const FOR_ORDER = 'order_id = $2 AND user_id = $7 AND amount = $6'
/**
 * startAttempt's claim of the order's payment, made only with the Idempotency-Key's claim
 * (k): with it, the claimed payment (claimed true), or else the order's payment as it was
 * and the status of this request's latest attempt on it, as findPaymentForRequest reads
 * them; without it, no row. An order with no payment yet gets one (`fresh`, $12–$13),
 * inserted already PROCESSING with the attempt, when the caller vouches that the order
 * service calls it payable by this user for this amount until $13 (null: insert nothing).
 * A row that already exists, or is inserted by a concurrent claim meanwhile, is never
 * inserted again (ON CONFLICT DO NOTHING) and only `updated` can claim it; a row this
 * statement's snapshot does not see is claimed by neither, and the caller reads afresh.
 */
const CLAIM_KEY_AND_START_ATTEMPT = prepared(`
  WITH k AS (${idempotencyClaim(8)}),
  fresh AS (
    INSERT INTO payments (id, order_id, user_id, amount, status, method, expires_at)
    SELECT $12::uuid, $2::uuid, $7::uuid, $6::bigint, 'PROCESSING', $5::text, $13::timestamptz
      FROM k WHERE $13::timestamptz > now()
    ON CONFLICT (order_id) DO NOTHING
    RETURNING ${PAYMENT_COLUMNS}),
  updated AS (
    UPDATE payments SET status = 'PROCESSING', method = $5, updated_at = now()
     WHERE ${FOR_ORDER} AND status IN ('READY', 'FAILED') AND expires_at > now() AND EXISTS (SELECT 1 FROM k)
    RETURNING ${PAYMENT_COLUMNS}),
  claimed AS (SELECT * FROM fresh UNION ALL SELECT * FROM updated),
  attempt AS (
    INSERT INTO payment_attempts (id, payment_id, pg_key, request_key, method, amount, status)
    SELECT $1, id, $3, $4, $5, $6, 'PENDING' FROM claimed)
  SELECT k.token, f.* FROM k LEFT JOIN LATERAL (
    SELECT claimed.*, true AS claimed, NULL::text AS "ownAttempt" FROM claimed
    UNION ALL
    SELECT ${PAYMENT_COLUMNS}, false,
           (SELECT a.status FROM payment_attempts a WHERE a.payment_id = payments.id AND a.request_key = $4
             ORDER BY a.started_at DESC LIMIT 1)
      FROM payments WHERE order_id = $2 AND NOT EXISTS (SELECT 1 FROM claimed)) f ON true`)

interface ForOrder {
  orderId: string
  userId: string
  requestKey: string
  method: PaymentMethod
  amount: number
}

function attemptForOrder(id: string, pgKey: string, a: ForOrder, claimed: PaymentRow | undefined): StartedAttempt | null {
  return claimed?.id ? { id, paymentId: claimed.id, ...a, pgKey, status: 'PENDING', claimed } : null
}

/** What the claim of the key and the payment found when it could not claim the payment. */
export type OrderPaymentState = { payment: PaymentRow; ownAttempt: AttemptStatus | null } | undefined

/**
 * startAttempt for the usual request, straight from what it names: the order's payment,
 * when it belongs to the user, is for exactly this amount and is payable. It runs in the
 * statement that claims the request's Idempotency-Key (`claimRow`, an IdempotencyStore's
 * ClaimingStatement parameters): the payment is claimed only by the request that took
 * the key, so a duplicate of it claims nothing and waits for its answer. `token` is null
 * when the key was not taken (nothing changed). `payableUntil` is the order's deadline
 * when the order service has just called it payable by this user for exactly this amount
 * (a payment is then created claimed if the order has none), else null. With the key,
 * `attempt` is the attempt started, or null when the payment could not be claimed; then
 * `found` is the order's payment as the statement saw it (undefined when it saw none)
 * and this request's latest attempt on it, so the caller need not read them again.
 */
export async function claimKeyAndStartAttempt(
  db: Queryable,
  a: ForOrder,
  claimRow: unknown[],
  payableUntil: Date | null,
): Promise<{ token: string | null; attempt: StartedAttempt | null; found: OrderPaymentState }> {
  const id = randomUUID()
  const pgKey = `charge-${id}`
  const { rows } = await db.query<PaymentRow & { token: string; claimed: boolean | null; ownAttempt: AttemptStatus | null }>(
    CLAIM_KEY_AND_START_ATTEMPT([id, a.orderId, pgKey, a.requestKey, a.method, a.amount, a.userId, ...claimRow, randomUUID(), payableUntil]),
  )
  if (!rows[0]) return { token: null, attempt: null, found: undefined }
  const { token, claimed, ownAttempt, ...payment } = rows[0]
  if (claimed) return { token, attempt: attemptForOrder(id, pgKey, a, payment), found: undefined }
  return { token, attempt: null, found: payment.id ? { payment, ownAttempt } : undefined }
}

/**
 * Records the PG's answer for an attempt that has none yet. Returns false when another
 * path (the request itself, the reconciler) settled it first: the answer is applied once.
 */
export async function settleAttempt(
  db: Queryable,
  id: string,
  r: { status: 'APPROVED' | 'DECLINED'; pgTransactionId?: string; code?: string; message?: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE payment_attempts SET status = $2, pg_transaction_id = $3, failure_code = $4, failure_message = $5, finished_at = now()
      WHERE id = $1 AND status IN ('PENDING', 'UNKNOWN')`,
    [id, r.status, r.pgTransactionId ?? null, r.code ?? null, r.message ?? null],
  )
  return rowCount === 1
}

/** The call timed out: what happened is for the reconciler to find out. */
export async function markUnknown(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE payment_attempts SET status = 'UNKNOWN' WHERE id = $1 AND status = 'PENDING'`, [id])
}

/** The latest attempt started by this HTTP request key on the payment. */
export async function findAttemptByRequest(db: Queryable, paymentId: string, requestKey: string): Promise<AttemptRow | undefined> {
  const { rows } = await db.query<AttemptRow>(
    `SELECT ${COLUMNS} FROM payment_attempts a JOIN payments p ON p.id = a.payment_id
      WHERE a.payment_id = $1 AND a.request_key = $2 ORDER BY a.started_at DESC LIMIT 1`,
    [paymentId, requestKey],
  )
  return rows[0]
}

/**
 * Attempts whose outcome the PG must be asked about: timed out (UNKNOWN), or still
 * PENDING long after any call could have ended (the process died mid-call).
 */
export async function unsettledAttempts(
  db: Queryable,
  opts: { staleAfterMs: number; paymentId?: string; limit?: number },
): Promise<AttemptRow[]> {
  const { rows } = await db.query<AttemptRow>(
    `SELECT ${COLUMNS} FROM payment_attempts a JOIN payments p ON p.id = a.payment_id
      WHERE (a.status = 'UNKNOWN' OR (a.status = 'PENDING' AND a.started_at < now() - $1 * interval '1 millisecond'))
        AND ($2::uuid IS NULL OR a.payment_id = $2)
      ORDER BY a.started_at LIMIT $3`,
    [opts.staleAfterMs, opts.paymentId ?? null, opts.limit ?? 100],
  )
  return rows
}
