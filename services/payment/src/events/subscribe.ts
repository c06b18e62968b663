import type { EventEnvelope } from '@shop/contracts'
import { subscribeHandlers } from '@shop/platform/inbox'
import type { EventBus, Subscription } from '@shop/platform/ports'
import type { Payments } from '../context.ts'
import { afterOrderCancelled, onOrderCancelled } from './order-cancelled.handler.ts'
import { onOrderCreated } from './order-created.handler.ts'

/**
 * The payment service's consumers, each run once per event id through the inbox. The
 * inbox runs a handler inside its transaction, where a PG call does not belong (it would
 * hold the row locks and a connection for up to the PG timeout); so the bus handed to
 * subscribeHandlers runs a follow-up once the transaction has committed, on every
 * delivery: order.created wakes a POST /payments waiting for it; order.cancelled sends
 * the refunds it reserved. Their failures are logged only: the reserved refund is
 * durable and the reconciler retries it.
 */
export function subscribePayments(bus: EventBus, p: Payments, opts: { maxAttempts?: number } = {}): Promise<Subscription> {
  const afterCommit: EventBus = {
    publish: (event) => bus.publish(event),
    ping: () => bus.ping(),
    close: () => bus.close(),
    dlqDepth: (service) => bus.dlqDepth(service),
    replayDlq: (service) => bus.replayDlq(service),
    subscribe: (sub) =>
      bus.subscribe({
        ...sub,
        handler: async (event, info) => {
          await sub.handler(event, info)
          if (event.type === 'order.created') return p.preparations.prepared((event as EventEnvelope<'order.created'>).data.orderId)
          if (event.type !== 'order.cancelled') return
          await afterOrderCancelled(p, event as EventEnvelope<'order.cancelled'>).catch((err: unknown) =>
            p.logger.warn({ err, eventId: event.id }, 'refund after order.cancelled not sent; the reconciler will retry'),
          )
        },
      }),
  }
  return subscribeHandlers(afterCommit, p.pool, {
    service: 'payment',
    maxAttempts: opts.maxAttempts,
    handlers: {
      'order.created': onOrderCreated(),
      'order.cancelled': onOrderCancelled(p),
    },
  })
}
