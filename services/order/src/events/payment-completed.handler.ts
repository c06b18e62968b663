import type { EventEnvelope } from '@shop/contracts'
import type { PoolClient } from '@shop/platform/db'
import type { OrderContext } from '../context.ts'
import { applyOrderEvent } from '../use-cases/apply-transition.ts'
import { reportOutcome } from './report-outcome.ts'

/** payment.completed: the order is paid (PENDING_PAYMENT → PAID); on a cancelled order it is ignored, payment refunds it. */
export function onPaymentCompleted(ctx: OrderContext) {
  return async (client: PoolClient, event: EventEnvelope<'payment.completed'>): Promise<void> => {
    const { orderId } = event.data
    const outcome = await applyOrderEvent(client, orderId, { type: 'payment.completed', paymentId: event.data.paymentId }, event)
    reportOutcome(ctx, event, orderId, outcome)
  }
}
