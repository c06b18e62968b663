import type { EventEnvelope } from '@shop/contracts'
import type { OrderContext } from '../context.ts'
import type { EventOutcome } from '../use-cases/apply-transition.ts'

/** Leaves a log line when an event did not change its order (the details are in order_event_log). */
export function reportOutcome(ctx: OrderContext, event: EventEnvelope, orderId: string, outcome: EventOutcome): void {
  if (outcome === 'applied') return
  const line = { eventId: event.id, type: event.type, orderId, outcome }
  if (outcome === 'unknown_order') ctx.logger.warn(line, 'event for an order this service does not know')
  else ctx.logger.info(line, 'event did not apply to the order; recorded in order_event_log')
}
