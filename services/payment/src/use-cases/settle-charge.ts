import type { Payment } from '@shop/contracts/payment'
import { withTransaction } from '@shop/platform/db'
import { createEvent } from '@shop/platform/events'
import type { IdempotencyClaim } from '@shop/platform/idempotency'
import { outboxRow } from '@shop/platform/outbox'
import type { Payments } from '../context.ts'
import type { AttemptRow, StartedAttempt } from '../data/attempt.repository.ts'
import { type ChargeOutcome, findPayment, type PaymentRow, settleChargeAnswered, settleChargeRows } from '../data/payment.repository.ts'
import { insertRefund } from '../data/refund.repository.ts'
import type { ConfirmResult } from '../domain/payment-gateway.ts'
import { paymentView } from './payment-view.ts'
import { settlePendingRefunds } from './settle-refund.ts'

const outcomeOf = (attempt: AttemptRow, result: ConfirmResult): ChargeOutcome =>
  result.status === 'approved'
    ? { status: 'APPROVED', method: attempt.method, approvedAt: result.approvedAt, pgTransactionId: result.pgTransactionId }
    : { status: 'DECLINED', code: result.code, message: result.message }

const notProcessing = (attempt: AttemptRow, result: ConfirmResult, status: string) =>
  new Error(`payment ${attempt.paymentId} was ${status}, not PROCESSING, when its charge was ${result.status}`)

/**
 * The payment as settling the attempt will leave it, from the payment as its claim left
 * it: what SETTLE_CHARGE writes, but for the status when the order was cancelled
 * meanwhile (CANCELLED instead of FAILED), which the settlement's statement sets itself.
 */
function settledView(attempt: StartedAttempt, result: ConfirmResult): Payment {
  const approved = result.status === 'approved'
  return paymentView(
    {
      ...attempt.claimed,
      status: approved ? 'COMPLETED' : 'FAILED',
      method: approved ? attempt.method : attempt.claimed.method,
      approvedAt: approved ? result.approvedAt : attempt.claimed.approvedAt,
      pgTransactionId: approved ? result.pgTransactionId : attempt.claimed.pgTransactionId,
      failureCode: approved ? null : result.code,
      failureMessage: approved ? null : result.message,
    },
    // Settled just now from PROCESSING, it has captured nothing before, so it has no refunds to list.
    [],
  )
}

/**
 * settleCharge for the request that made the charge, in one statement: the settlement,
 * its event and the request's Idempotency-Key's answer (the payment as settled) commit
 * together, or none of them does. Returns the answer, or undefined when another path had
 * settled the attempt first, or a refund followed (the key is then unanswered and the
 * caller reads the payment afresh).
 */
export async function settleChargeOfRequest(
  p: Payments,
  attempt: StartedAttempt,
  result: ConfirmResult,
  claim: IdempotencyClaim,
): Promise<Payment | undefined> {
  const view = settledView(attempt, result)
  const announced = announcement(attempt, result)
  const event = outboxRow(announced)
  const answerRow = claim.answerRow({ status: 201, body: view })
  const s = await settleChargeAnswered(p.pool, attempt.paymentId, attempt.id, outcomeOf(attempt, result), event, answerRow)
  if (s.stuck) throw notProcessing(attempt, result, s.stuck)
  if (!s.settled) return undefined
  if (!s.payment) throw new Error(`attempt ${attempt.id} settled without its payment ${attempt.paymentId}`)
  // Its outbox row (written with the payment's change) is published by this request; the relay sends it only if that fails.
  p.publishCommitted([announced])
  if (s.refundQueued) {
    await settlePendingRefunds(p, attempt.paymentId)
    return undefined
  }
  return { ...view, status: s.payment.status }
}

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
 */
export async function settleCharge(p: Payments, attempt: AttemptRow, result: ConfirmResult): Promise<PaymentRow | undefined> {
  let refundQueued = false
  const event = outboxRow(announcement(attempt, result))
  const settled = await withTransaction(p.pool, async (client) => {
    const { settled, payment } = await settleChargeRows(client, attempt.paymentId, attempt.id, outcomeOf(attempt, result), event)
    if (!settled) return undefined
    if (!payment) {
      // The attempt had no answer yet, so its payment must have been PROCESSING: roll back and say so.
      const now = await findPayment(client, attempt.paymentId)
      if (!now) throw new Error(`payment ${attempt.paymentId} of attempt ${attempt.id} is missing`)
      throw notProcessing(attempt, result, now.status)
    }
    if (result.status === 'approved' && payment.cancelRequested) {
      await insertRefund(client, { paymentId: payment.id, amount: payment.amount, reason: `order cancelled: ${payment.cancelReason ?? 'cancelled'}` })
      refundQueued = true
    }
    return payment
  })
  if (!settled) return undefined
  p.eventsCommitted()
  if (!refundQueued) return settled
  await settlePendingRefunds(p, attempt.paymentId)
  return undefined
}
