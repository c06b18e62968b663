import { type PoolClient, withTransaction } from '@shop/platform/db'
import { createEvent } from '@shop/platform/events'
import { outboxRow } from '@shop/platform/outbox'
import type { Payments } from '../context.ts'
import type { AttemptRow } from '../data/attempt.repository.ts'
import { type ChargeOutcome, findPayment, type PaymentRow, settleChargeRows } from '../data/payment.repository.ts'
import { insertRefund } from '../data/refund.repository.ts'
import type { ConfirmResult } from '../domain/payment-gateway.ts'
import { settlePendingRefunds } from './settle-refund.ts'

const outcomeOf = (attempt: AttemptRow, result: ConfirmResult): ChargeOutcome =>
  result.status === 'approved'
    ? { status: 'APPROVED', method: attempt.method, approvedAt: result.approvedAt, pgTransactionId: result.pgTransactionId }
    : { status: 'DECLINED', code: result.code, message: result.message }

/** payment.completed or payment.failed for the attempt's answer. */
function announcement(attempt: AttemptRow, result: ConfirmResult) {
  const { paymentId, orderId, userId, amount } = attempt
  return result.status === 'approved'
    ? createEvent('payment', 'payment.completed', {
        paymentId,
        orderId,
        userId,
        amount,
        method: attempt.method,
        approvedAt: result.approvedAt.toISOString(),
      })
    : createEvent('payment', 'payment.failed', {
        paymentId,
        orderId,
        userId,
        amount,
        failureCode: result.code,
        failureMessage: result.message,
      })
}

/**
 * Applies the PG's answer to an attempt, once, whoever learnt it first (the request that
 * made the call, or the reconciler): COMPLETED + payment.completed, or FAILED +
 * payment.failed, in one transaction with the outbox row. A charge that completes for an
 * order cancelled meanwhile is refunded at once.
 *
 * Returns the payment as this settlement left it, or undefined when another path had
 * settled the attempt first, or a refund followed (the caller reads it afresh then).
 * `answer`, when given, runs in the settlement's transaction with the payment as settled
 * (not when a refund follows), so the request's stored answer commits with the charge.
 */
export async function settleCharge(
  p: Payments,
  attempt: AttemptRow,
  result: ConfirmResult,
  answer?: (client: PoolClient, settled: PaymentRow) => Promise<void>,
): Promise<PaymentRow | undefined> {
  let refundQueued = false
  const event = outboxRow(announcement(attempt, result))
  const settled = await withTransaction(p.pool, async (client) => {
    const { settled, payment } = await settleChargeRows(client, attempt.paymentId, attempt.id, outcomeOf(attempt, result), event)
    if (!settled) return undefined
    if (!payment) {
      // The attempt had no answer yet, so its payment must have been PROCESSING: roll back and say so.
      const now = await findPayment(client, attempt.paymentId)
      if (!now) throw new Error(`payment ${attempt.paymentId} of attempt ${attempt.id} is missing`)
      throw new Error(`payment ${now.id} was ${now.status}, not PROCESSING, when its charge was ${result.status}`)
    }
    if (result.status === 'approved' && payment.cancelRequested) {
      await insertRefund(client, { paymentId: payment.id, amount: payment.amount, reason: `order cancelled: ${payment.cancelReason ?? 'cancelled'}` })
      refundQueued = true
    } else if (answer) {
      await answer(client, payment)
    }
    return payment
  })
  if (!settled) return undefined
  p.eventsCommitted()
  if (!refundQueued) return settled
  await settlePendingRefunds(p, attempt.paymentId)
  return undefined
}
