import { OrderEventsQuery, OrderView } from '@shop/contracts/order'
import { type AuthUser, requireUser } from '@shop/platform/auth'
import { UpstreamUnavailable } from '@shop/platform/errors'
import { type App, problemResponses } from '@shop/platform/server'
import { Type } from '@sinclair/typebox'
import type { OrderContext } from '../context.ts'
import { type OrderStream, streamOrder } from '../use-cases/follow-order.ts'
import { getOrder } from '../use-cases/get-order.ts'

const OrderParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

/**
 * GET /orders/:id/events: server-sent events of one order (owner or admin; anyone else
 * 404 before anything is streamed). Open streams end when the app closes, so a shutdown
 * never waits for a client's timeout.
 */
export function orderEventRoutes(app: App, ctx: OrderContext): void {
  const open = new Set<OrderStream>()
  app.addHook('preClose', async () => {
    for (const s of open) s.end()
  })

  app.get(
    '/orders/:id/events',
    {
      onRequest: requireUser,
      schema: {
        tags: ['orders'],
        summary:
          'Follow an order (text/event-stream): `event: order` with the whole order at once and after every change, ' +
          '`: keep-alive` every 15 s; ends after DELIVERED or CANCELLED (with `until=settled`, once the order is no ' +
          'longer PENDING_PAYMENT), or after `timeout` seconds',
        params: OrderParams,
        querystring: OrderEventsQuery,
        response: {
          200: {
            description: 'A stream of `event: order` messages whose data is the order',
            content: { 'text/event-stream': { schema: OrderView } },
          },
          ...problemResponses(400, 401, 404, 503),
        },
      },
    },
    async (req, reply) => {
      const user = req.user as AuthUser
      const orderId = req.params.id
      let stream: (OrderStream & { onChange(): void }) | undefined = undefined
      let changedEarly = false
      const stop = await ctx.changes
        .follow(orderId, () => (stream ? stream.onChange() : (changedEarly = true)))
        .catch((err: unknown) => {
          req.log.error({ err }, 'order change listener unavailable')
          throw new UpstreamUnavailable('order change listener', 2)
        })
      let first
      try {
        // One read, made once listening: every change committed after it will be heard. An
        // unknown order or another user's is 404 here, before anything is streamed.
        first = await getOrder(ctx, user, orderId)
      } catch (err) {
        stop()
        throw err
      }
      reply.hijack()
      reply.raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-store',
        // Proxies (nginx) pass each event on as it comes.
        'x-accel-buffering': 'no',
      })
      const s = streamOrder(ctx, {
        user,
        orderId,
        first,
        timeoutSeconds: req.query.timeout,
        until: req.query.until,
        res: reply.raw,
        stopFollowing: stop,
        logger: ctx.logger,
      })
      stream = s
      open.add(s)
      void s.done.then(() => open.delete(s))
      if (changedEarly) s.onChange()
    },
  )
}
