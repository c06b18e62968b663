import type { EventEnvelope } from '@shop/contracts'
import type { PoolClient } from '@shop/platform/db'
import type { OrderContext } from '../context.ts'
import { applyOrderEvent } from '../use-cases/apply-transition.ts'
import { reportOutcome } from './report-outcome.ts'

/** payment.refunded: the payment summary records how much was refunded. */
export function onPaymentRefunded(ctx: OrderContext) {
  return async (client: PoolClient, event: EventEnvelope<'payment.refunded'>): Promise<void> => {
    const { orderId } = event.data
    const outcome = await applyOrderEvent(client, orderId, { type: 'payment.refunded', paymentId: event.data.paymentId, refundedAmount: event.data.refundedAmount }, event)
    reportOutcome(ctx, event, orderId, outcome)
  }
}
