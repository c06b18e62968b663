import { subscribeHandlers } from '@shop/platform/inbox'
import type { EventBus, Subscription } from '@shop/platform/ports'
import type { OrderContext } from '../context.ts'
import { onPaymentCompleted } from './payment-completed.handler.ts'
import { onPaymentFailed } from './payment-failed.handler.ts'
import { onPaymentRefunded } from './payment-refunded.handler.ts'
import { onShipmentDelivered } from './shipment-delivered.handler.ts'
import { onShipmentDispatched } from './shipment-dispatched.handler.ts'

/** The order service's consumers, each run once per event id through the inbox. */
export function subscribeOrders(bus: EventBus, ctx: OrderContext): Promise<Subscription> {
  return subscribeHandlers(bus, ctx.pool, {
    service: 'order',
    handlers: {
      'payment.completed': onPaymentCompleted(ctx),
      'payment.failed': onPaymentFailed(ctx),
      'payment.refunded': onPaymentRefunded(ctx),
      'shipment.dispatched': onShipmentDispatched(ctx),
      'shipment.delivered': onShipmentDelivered(ctx),
    },
  })
}
