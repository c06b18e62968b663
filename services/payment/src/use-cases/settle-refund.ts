import { withTransaction } from '@shop/platform/db'
import { createEvent } from '@shop/platform/events'
import { enqueueEvent } from '@shop/platform/outbox'
import type { Payments } from '../context.ts'
import { addRefunded, findPayment } from '../data/payment.repository.ts'
import { findRefund, markRefundDone, markRefundFailed, pendingRefundIds, type RefundRow } from '../data/refund.repository.ts'

/**
 * Has the PG cancel a reserved (PENDING) refund, then records it: refunded amount,
 * REFUNDED or PARTIALLY_REFUNDED, payment.refunded, in one transaction. The refund's
 * own idempotency key makes a repeated cancel (a retry after a timeout, the reconciler
 * and a request at once) refund once. Throws PgUnavailable when the PG cannot be
 * reached; the refund stays PENDING for the next try.
 */
export async function settleRefund(p: Payments, refundId: string): Promise<RefundRow['status']> {
  const refund = await findRefund(p.pool, refundId)
  if (!refund) throw new Error(`refund ${refundId} is missing`)
  if (refund.status !== 'PENDING') return refund.status
  const payment = await findPayment(p.pool, refund.paymentId)
  if (!payment?.pgTransactionId) throw new Error(`refund ${refundId}: its payment has no PG transaction`)

  const result = await p.pg.cancel({
    pgTransactionId: payment.pgTransactionId,
    amount: refund.amount,
    reason: refund.reason,
    idempotencyKey: refund.pgKey,
  })
  if (result.status === 'rejected') {
    await markRefundFailed(p.pool, refund.id, result)
    p.logger.warn({ refundId, paymentId: payment.id, code: result.code }, 'the payment gateway refused a refund')
    return 'FAILED'
  }
  await withTransaction(p.pool, async (client) => {
    if (!(await markRefundDone(client, refund.id))) return
    const updated = await addRefunded(client, payment.id, refund.amount)
    // Reservations keep this from happening; if it did, nothing is recorded and the refund is retried.
    if (!updated) throw new Error(`refund ${refund.id} would pass what payment ${payment.id} captured`)
    await enqueueEvent(
      client,
      createEvent('payment', 'payment.refunded', {
        paymentId: updated.id,
        orderId: updated.orderId,
        amount: refund.amount,
        refundedAmount: updated.refundedAmount,
        reason: refund.reason,
      }),
    )
  })
  p.eventsCommitted()
  return 'DONE'
}

/** Settles every PENDING refund of the payment; failures are logged and left to the reconciler. */
export async function settlePendingRefunds(p: Payments, paymentId: string): Promise<void> {
  for (const id of await pendingRefundIds(p.pool, { paymentId })) {
    try {
      await settleRefund(p, id)
    } catch (err) {
      p.logger.warn({ err, refundId: id, paymentId }, 'refund not settled yet; the reconciler will retry')
    }
  }
}
