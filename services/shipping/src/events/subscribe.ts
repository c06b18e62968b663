import { subscribeHandlers } from '@shop/platform/inbox'
import type { EventBus, Subscription } from '@shop/platform/ports'
import type { Shipping } from '../context.ts'
import { onOrderCancelled } from './order-cancelled.handler.ts'
import { onOrderCreated } from './order-created.handler.ts'
import { onPaymentCompletedStatement } from './payment-completed.handler.ts'

/**
 * More attempts than the bus default: a payment.completed that overtook its
 * order.created is retried until the order arrives (about two minutes with the
 * platform's backoff) before it is dead-lettered.
 */
export const SHIPPING_MAX_ATTEMPTS = 12

/** The shipping service's consumers, each run once per event id through the inbox. */
export function subscribeShipping(bus: EventBus, s: Shipping, opts: { maxAttempts?: number } = {}): Promise<Subscription> {
  return subscribeHandlers(bus, s.pool, {
    service: 'shipping',
    maxAttempts: opts.maxAttempts ?? SHIPPING_MAX_ATTEMPTS,
    handlers: {
      'order.created': onOrderCreated(s),
      'payment.completed': onPaymentCompletedStatement(s),
      'order.cancelled': onOrderCancelled(s),
    },
  })
}
