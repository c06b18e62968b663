import type { EventEnvelope } from '@shop/contracts'
import { claimRow, handleOnce, type StatementHandler } from '@shop/platform/inbox'
import type { OrderContext } from '../context.ts'
import type { RequiredState } from '../data/order.repository.ts'
import type { OrderEvent } from '../domain/order-state.ts'
import { applyOrderEvent, applyOrderEventInOneStatement } from '../use-cases/apply-transition.ts'
import { reportOutcome } from './report-outcome.ts'

/** The state nearly every payment.completed finds: unpaid, no failed attempt recorded, nothing shipped. */
const UNPAID: RequiredState = { status: 'PENDING_PAYMENT', payment: null, shipment: null }

/**
 * payment.completed: the order is paid (PENDING_PAYMENT → PAID); on a cancelled order it
 * is ignored, payment refunds it. The usual case is one statement (inbox claim and
 * transition together); a duplicate found there is answered as such, and everything else
 * (another state, a deferred event, an unknown order) takes the general path.
 */
export function onPaymentCompleted(ctx: OrderContext): StatementHandler<'payment.completed'> {
  return {
    async run(pool, consumer, event) {
      const { orderId } = event.data
      const change: OrderEvent = { type: 'payment.completed', paymentId: event.data.paymentId }
      const fast = await applyOrderEventInOneStatement(pool, claimRow(consumer, event), orderId, UNPAID, change)
      if (fast !== 'not_in_state') return fast
      return handleOnce(pool, consumer, event, async (client) => {
        reportOutcome(ctx, event as EventEnvelope, orderId, await applyOrderEvent(client, orderId, change, event))
      })
    },
  }
}
