import type { EventEnvelope } from '@shop/contracts'
import type { PoolClient } from '@shop/platform/db'
import type { OrderContext } from '../context.ts'
import { applyOrderEvent } from '../use-cases/apply-transition.ts'
import { reportOutcome } from './report-outcome.ts'

/** shipment.delivered: SHIPPED → DELIVERED; ahead of its dispatch it waits in order_event_log. */
export function onShipmentDelivered(ctx: OrderContext) {
  return async (client: PoolClient, event: EventEnvelope<'shipment.delivered'>): Promise<void> => {
    const { orderId } = event.data
    const outcome = await applyOrderEvent(client, orderId, { type: 'shipment.delivered' }, event)
    reportOutcome(ctx, event, orderId, outcome)
  }
}
