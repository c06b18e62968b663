import type { EventEnvelope } from '@shop/contracts'
import type { PoolClient } from '@shop/platform/db'
import type { OrderContext } from '../context.ts'
import { applyOrderEvent } from '../use-cases/apply-transition.ts'
import { reportOutcome } from './report-outcome.ts'

/** shipment.dispatched: PAID → SHIPPED, with the carrier and tracking number. */
export function onShipmentDispatched(ctx: OrderContext) {
  return async (client: PoolClient, event: EventEnvelope<'shipment.dispatched'>): Promise<void> => {
    const { orderId } = event.data
    const outcome = await applyOrderEvent(client, orderId, { type: 'shipment.dispatched', carrier: event.data.carrier, trackingNumber: event.data.trackingNumber }, event)
    reportOutcome(ctx, event, orderId, outcome)
  }
}
