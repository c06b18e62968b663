import type { EventEnvelope } from '@shop/contracts'
import type { PoolClient } from '@shop/platform/db'
import type { Payments } from '../context.ts'
import { findPaymentByOrder, insertCancelled, markCancelled, markCancelRequested } from '../data/payment.repository.ts'
import { insertRefund, pendingRefundTotal } from '../data/refund.repository.ts'
import { cancellationAction, refundDecision } from '../domain/payment-rules.ts'
import { settlePendingRefunds } from '../use-cases/settle-refund.ts'

/**
 * order.cancelled, inside the inbox transaction: nothing captured → CANCELLED; a charge
 * in flight → marked, refunded when it completes; money captured → a refund of all
 * that remains is reserved. The PG is never called inside the transaction: the refund
 * is sent by afterOrderCancelled once this commits (and by the reconciler if that fails).
 */
export function onOrderCancelled(p: Payments) {
  return async (client: PoolClient, event: EventEnvelope<'order.cancelled'>): Promise<void> => {
    const { orderId, userId, reason } = event.data
    // Locked so that a charge settling at this moment either sees the cancellation or is seen by it.
    let payment = await findPaymentByOrder(client, orderId, { forUpdate: true })
    if (!payment) {
      if (await insertCancelled(client, { orderId, userId, reason })) return
      // A POST /payments prepared it from the order service meanwhile: treat that row as found.
      payment = await findPaymentByOrder(client, orderId, { forUpdate: true })
      if (!payment) throw new Error(`payment of order ${orderId} neither inserted nor found`)
    }
    switch (cancellationAction(payment.status)) {
      case 'cancel':
        await markCancelled(client, payment.id, reason)
        return
      case 'cancel_after_charge':
        await markCancelRequested(client, payment.id, reason)
        return
      case 'refund': {
        await markCancelRequested(client, payment.id, reason)
        const decision = refundDecision(payment, await pendingRefundTotal(client, payment.id))
        if (decision.ok) await insertRefund(client, { paymentId: payment.id, amount: decision.amount, reason: `order cancelled: ${reason}` })
        return
      }
      case 'nothing':
        p.logger.info({ orderId, paymentId: payment.id, status: payment.status }, 'order cancelled: payment already settled')
    }
  }
}

/** After the cancellation committed: sends the refunds it reserved to the PG. */
export async function afterOrderCancelled(p: Payments, event: EventEnvelope<'order.cancelled'>): Promise<void> {
  const payment = await findPaymentByOrder(p.pool, event.data.orderId)
  if (payment) await settlePendingRefunds(p, payment.id)
}
