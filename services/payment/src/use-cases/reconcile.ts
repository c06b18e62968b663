import type { Payments } from '../context.ts'
import { type AttemptRow, unsettledAttempts } from '../data/attempt.repository.ts'
import { pendingRefundIds } from '../data/refund.repository.ts'
import type { ConfirmResult } from '../domain/payment-gateway.ts'
import { PgUnavailable } from '../gateways/pg-client.ts'
import { settleCharge } from './settle-charge.ts'
import { settleRefund } from './settle-refund.ts'

const NO_CHARGE: ConfirmResult = {
  status: 'declined',
  code: 'pg_timeout',
  message: 'The payment gateway did not answer in time; no charge was made',
}

/**
 * Asks the PG what became of an attempt whose call timed out and applies the answer:
 * approved → COMPLETED, declined or unknown to the PG → FAILED (payable again). Returns
 * false while the PG is still working on it. Throws PgUnavailable when it cannot be asked.
 */
export async function reconcileAttempt(p: Payments, attempt: AttemptRow): Promise<boolean> {
  const found = await p.pg.lookup({ orderId: attempt.orderId, idempotencyKey: attempt.pgKey })
  if (found.status === 'pending') return false
  await settleCharge(p, attempt, found.status === 'not_found' ? NO_CHARGE : found)
  p.logger.info({ attemptId: attempt.id, paymentId: attempt.paymentId, outcome: found.status }, 'charge reconciled')
  return true
}

/** Reconciles the unsettled attempts of one payment (inline, before a new charge of it). */
export async function reconcilePayment(p: Payments, paymentId: string): Promise<void> {
  for (const attempt of await unsettledAttempts(p.pool, { staleAfterMs: p.staleAttemptMs, paymentId })) {
    await reconcileAttempt(p, attempt)
  }
}

/**
 * One pass of the reconciler: timed-out or abandoned charges, then refunds left PENDING
 * (the PG was down when they were asked for). Stops early while the PG is unreachable.
 */
export async function reconcileAll(p: Payments, opts: { limit?: number } = {}): Promise<{ attempts: number; refunds: number }> {
  const settled = { attempts: 0, refunds: 0 }
  try {
    for (const attempt of await unsettledAttempts(p.pool, { staleAfterMs: p.staleAttemptMs, limit: opts.limit })) {
      if (await reconcileAttempt(p, attempt)) settled.attempts++
    }
    for (const id of await pendingRefundIds(p.pool, { olderThanMs: p.staleAttemptMs, limit: opts.limit })) {
      if ((await settleRefund(p, id)) !== 'PENDING') settled.refunds++
    }
  } catch (err) {
    if (!(err instanceof PgUnavailable)) throw err
    p.logger.warn({ err: err.message }, 'payment gateway unavailable; reconciliation continues on the next pass')
  }
  return settled
}
