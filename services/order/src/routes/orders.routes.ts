import { CancelOrderBody, OrderList, OrderListQuery, OrderSummary, OrderSummaryQuery, OrderView, PlaceOrderBody } from '@shop/contracts/order'
import { type AuthUser, requireRole, requireUser } from '@shop/platform/auth'
import { IdempotencyKeyHeader } from '@shop/platform/idempotency'
import { type App, problemResponses } from '@shop/platform/server'
import { Type } from '@sinclair/typebox'
import type { OrderContext } from '../context.ts'
import { cancelOrder } from '../use-cases/cancel-order.ts'
import { getOrder } from '../use-cases/get-order.ts'
import { listOrders } from '../use-cases/list-orders.ts'
import { placeOrderOnce } from '../use-cases/place-order.ts'
import { summarizeOrders } from '../use-cases/summarize-orders.ts'

const OrderParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

/** Orders: place (Idempotency-Key), list, get, cancel. The token is checked before the body, so 401 comes first. */
export function orderRoutes(app: App, ctx: OrderContext): void {
  app.post(
    '/orders',
    {
      onRequest: requireUser,
      schema: {
        tags: ['orders'],
        summary: 'Place an order: stock is reserved, prices come from the catalogue, the fee from shipping',
        headers: IdempotencyKeyHeader,
        body: PlaceOrderBody,
        response: { 201: OrderView, ...problemResponses(400, 401, 409, 422, 503) },
      },
    },
    async (req, reply) => {
      const res = await placeOrderOnce(ctx, { user: req.user as AuthUser, requestId: req.id }, req.headers['idempotency-key'], req.body)
      if (res.replayed) reply.header('idempotent-replayed', 'true')
      // Only a 201 is ever stored: a refused attempt leaves no record.
      return reply.code(201).send(res.body)
    },
  )

  app.get(
    '/orders',
    {
      onRequest: requireUser,
      schema: {
        tags: ['orders'],
        summary:
          "Your orders, newest first (an admin: everyone's, or one user's with userId); status, from and to " +
          '(Korea-time dates, both included) and q (the start of an order id) narrow them',
        querystring: OrderListQuery,
        response: { 200: OrderList, ...problemResponses(400, 401) },
      },
    },
    async (req) => listOrders(ctx, req.user as AuthUser, req.query),
  )

  app.get(
    '/orders/summary',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['orders'],
        summary:
          'Admin: orders per Korea-time day from `from` to `to` (both included, at most 92 days), counts by status, ' +
          'revenue (captured payments of the orders placed that day) and refunds',
        querystring: OrderSummaryQuery,
        response: { 200: OrderSummary, ...problemResponses(400, 401, 403) },
      },
    },
    async (req) => summarizeOrders(ctx, req.query.from, req.query.to),
  )

  app.get(
    '/orders/:id',
    {
      onRequest: requireUser,
      schema: {
        tags: ['orders'],
        summary: 'One order (owner or admin; the address is masked for an admin who is not the owner)',
        params: OrderParams,
        response: { 200: OrderView, ...problemResponses(400, 401, 404) },
      },
    },
    async (req) => getOrder(ctx, req.user as AuthUser, req.params.id),
  )

  app.put(
    '/orders/:id/cancel',
    {
      onRequest: requireUser,
      // The reason is optional, so is the body: a bare PUT counts as `{}`.
      preValidation: async (req) => {
        if (req.body === undefined || req.body === null) req.body = {}
      },
      schema: {
        tags: ['orders'],
        summary: 'Cancel before dispatch (owner or admin); an order already cancelled is answered as is',
        params: OrderParams,
        body: CancelOrderBody,
        response: { 200: OrderView, ...problemResponses(400, 401, 404, 409) },
      },
    },
    async (req) => cancelOrder(ctx, req.user as AuthUser, req.params.id, req.body.reason),
  )
}
