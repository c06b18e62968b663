import { withTransaction } from '@shop/platform/db'
import { createEvent } from '@shop/platform/events'
import { enqueueEvent } from '@shop/platform/outbox'
import type { Payments } from '../context.ts'
import { type AttemptRow, settleAttempt } from '../data/attempt.repository.ts'
import { findPayment, markChargeFailed, markCompleted } from '../data/payment.repository.ts'
import { insertRefund } from '../data/refund.repository.ts'
import type { ConfirmResult } from '../domain/payment-gateway.ts'
import { settlePendingRefunds } from './settle-refund.ts'

/**
 * Applies the PG's answer to an attempt, once, whoever learnt it first (the request that
 * made the call, or the reconciler): COMPLETED + payment.completed, or FAILED +
 * payment.failed, in one transaction with the outbox row. A charge that completes for an
 * order cancelled meanwhile is refunded at once.
 */
export async function settleCharge(p: Payments, attempt: AttemptRow, result: ConfirmResult): Promise<void> {
  let refundQueued = false
  await withTransaction(p.pool, async (client) => {
    const payment = await findPayment(client, attempt.paymentId, { forUpdate: true })
    if (!payment) throw new Error(`payment ${attempt.paymentId} of attempt ${attempt.id} is missing`)
    if (result.status === 'approved') {
      if (!(await settleAttempt(client, attempt.id, { status: 'APPROVED', pgTransactionId: result.pgTransactionId }))) return
      const done = await markCompleted(client, payment.id, {
        method: attempt.method,
        approvedAt: result.approvedAt,
        pgTransactionId: result.pgTransactionId,
      })
      if (!done) throw new Error(`payment ${payment.id} was ${payment.status}, not PROCESSING, when its charge was approved`)
      await enqueueEvent(
        client,
        createEvent('payment', 'payment.completed', {
          paymentId: done.id,
          orderId: done.orderId,
          userId: done.userId,
          amount: attempt.amount,
          method: attempt.method,
          approvedAt: result.approvedAt.toISOString(),
        }),
      )
      if (payment.cancelRequested) {
        await insertRefund(client, { paymentId: done.id, amount: done.amount, reason: `order cancelled: ${payment.cancelReason ?? 'cancelled'}` })
        refundQueued = true
      }
      return
    }
    const failure = { code: result.code, message: result.message }
    if (!(await settleAttempt(client, attempt.id, { status: 'DECLINED', ...failure }))) return
    const failed = await markChargeFailed(client, payment.id, { status: payment.cancelRequested ? 'CANCELLED' : 'FAILED', ...failure })
    if (!failed) throw new Error(`payment ${payment.id} was ${payment.status}, not PROCESSING, when its charge was declined`)
    await enqueueEvent(
      client,
      createEvent('payment', 'payment.failed', {
        paymentId: failed.id,
        orderId: failed.orderId,
        userId: failed.userId,
        amount: attempt.amount,
        failureCode: result.code,
        failureMessage: result.message,
      }),
    )
  })
  p.eventsCommitted()
  if (refundQueued) await settlePendingRefunds(p, attempt.paymentId)
}
