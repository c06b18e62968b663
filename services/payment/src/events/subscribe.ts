import type { EventEnvelope } from '@shop/contracts'
import { subscribeHandlers } from '@shop/platform/inbox'
import type { EventBus, Subscription } from '@shop/platform/ports'
import type { Payments } from '../context.ts'
import { afterOrderCancelled, onOrderCancelled } from './order-cancelled.handler.ts'

/**
 * The payment service's consumer, run once per event id through the inbox. (It does not
 * consume order.created: POST /payments makes an order's payment from the order
 * service's answer, see pay.ts.) The inbox runs a handler inside its transaction, where
 * a PG call does not belong (it would hold the row locks and a connection for up to the
 * PG timeout); so the bus handed to subscribeHandlers sends the refunds order.cancelled
 * reserved once its transaction has committed, on every delivery. A failure there is
 * logged only: the reserved refund is durable and the reconciler retries it.
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
      'order.cancelled': onOrderCancelled(p),
    },
  })
}
