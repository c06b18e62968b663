import type { ServiceDeps } from '@shop/platform/boot'
import { subscribeHandlers } from '@shop/platform/inbox'
import type { Subscription } from '@shop/platform/ports'
import { productContext } from '../context.ts'
import { orderCancelledHandler } from './order-cancelled.handler.ts'
import { paymentCompletedStatement } from './payment-completed.handler.ts'

/** The product service's consumers: stock follows payments and cancellations. */
export async function subscribeProductEvents(deps: ServiceDeps): Promise<Subscription[]> {
  const ctx = productContext(deps)
  const subscription = await subscribeHandlers(deps.rt.bus, deps.pool, {
    service: 'product',
    handlers: {
      'payment.completed': paymentCompletedStatement(ctx),
      'order.cancelled': orderCancelledHandler(ctx),
    },
  })
  return [subscription]
}
