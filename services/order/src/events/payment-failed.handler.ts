import type { EventEnvelope } from '@shop/contracts'
import type { PoolClient } from '@shop/platform/db'
import type { OrderContext } from '../context.ts'
import { applyOrderEvent } from '../use-cases/apply-transition.ts'
import { reportOutcome } from './report-outcome.ts'

/** payment.failed: the order stays payable; its payment summary records the failure. */
export function onPaymentFailed(ctx: OrderContext) {
  return async (client: PoolClient, event: EventEnvelope<'payment.failed'>): Promise<void> => {
    const { orderId } = event.data
    const outcome = await applyOrderEvent(client, orderId, { type: 'payment.failed', paymentId: event.data.paymentId, failureCode: event.data.failureCode }, event)
    reportOutcome(ctx, event, orderId, outcome)
  }
}
