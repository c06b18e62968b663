import { randomUUID } from 'node:crypto'
import type { Queryable } from '@shop/platform/db'

/** The refunds table. A PENDING refund reserves its amount until the PG has cancelled it. */

export interface RefundRow {
  id: string
  paymentId: string
  amount: number
  reason: string
  pgKey: string
  status: 'PENDING' | 'DONE' | 'FAILED'
  failureCode: string | null
  failureMessage: string | null
  completedAt: Date | null
}

const COLUMNS = `id, payment_id AS "paymentId", amount, reason, pg_key AS "pgKey", status,
  failure_code AS "failureCode", failure_message AS "failureMessage", completed_at AS "completedAt"`

/** Reserves a refund; its PG cancel key is derived from its id and never changes. */
export async function insertRefund(
  db: Queryable,
  r: { paymentId: string; amount: number; reason: string; requestKey?: string | null },
): Promise<RefundRow> {
  const id = randomUUID()
  const { rows } = await db.query<RefundRow>(
    `INSERT INTO refunds (id, payment_id, amount, reason, pg_key, request_key, status)
     VALUES ($1, $2, $3, $4, $5, $6, 'PENDING') RETURNING ${COLUMNS}`,
    [id, r.paymentId, r.amount, r.reason, `refund-${id}`, r.requestKey ?? null],
  )
  return rows[0]
}

export async function findRefund(db: Queryable, id: string): Promise<RefundRow | undefined> {
  const { rows } = await db.query<RefundRow>(`SELECT ${COLUMNS} FROM refunds WHERE id = $1`, [id])
  return rows[0]
}

export async function findRefundByRequest(db: Queryable, requestKey: string): Promise<RefundRow | undefined> {
  const { rows } = await db.query<RefundRow>(`SELECT ${COLUMNS} FROM refunds WHERE request_key = $1`, [requestKey])
  return rows[0]
}

/** What refunds still in progress hold of the payment. */
export async function pendingRefundTotal(db: Queryable, paymentId: string): Promise<number> {
  const { rows } = await db.query<{ total: number }>(
    `SELECT COALESCE(sum(amount), 0)::bigint AS total FROM refunds WHERE payment_id = $1 AND status = 'PENDING'`,
    [paymentId],
  )
  return rows[0].total
}

/** PENDING → DONE once; false when it was settled already. */
export async function markRefundDone(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE refunds SET status = 'DONE', completed_at = now() WHERE id = $1 AND status = 'PENDING'`,
    [id],
  )
  return rowCount === 1
}

export async function markRefundFailed(db: Queryable, id: string, r: { code: string; message: string }): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE refunds SET status = 'FAILED', failure_code = $2, failure_message = $3, completed_at = now()
      WHERE id = $1 AND status = 'PENDING'`,
    [id, r.code, r.message],
  )
  return rowCount === 1
}

/** Settled refunds of a payment, oldest first, for its view. */
export async function listDoneRefunds(db: Queryable, paymentId: string): Promise<RefundRow[]> {
  const { rows } = await db.query<RefundRow>(
    `SELECT ${COLUMNS} FROM refunds WHERE payment_id = $1 AND status = 'DONE' ORDER BY completed_at, id`,
    [paymentId],
  )
  return rows
}

/** Ids of PENDING refunds: of one payment, or (for the reconciler) any older than `olderThanMs`. */
export async function pendingRefundIds(db: Queryable, opts: { paymentId?: string; olderThanMs?: number; limit?: number }): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM refunds
      WHERE status = 'PENDING' AND ($1::uuid IS NULL OR payment_id = $1)
        AND created_at <= now() - $2 * interval '1 millisecond'
      ORDER BY created_at LIMIT $3`,
    [opts.paymentId ?? null, opts.olderThanMs ?? 0, opts.limit ?? 100],
  )
  return rows.map((r) => r.id)
}
