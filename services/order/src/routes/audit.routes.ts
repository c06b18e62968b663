import { ORDER_STATUSES } from '@shop/contracts/order'
import { requireRole } from '@shop/platform/auth'
import { type App, problemResponses } from '@shop/platform/server'
import { Type } from '@sinclair/typebox'
import { type AuditSources, orderAuditFacts } from '../use-cases/audit-facts.ts'

const Uuid = Type.String({ format: 'uuid' })
const Timestamp = Type.String({ format: 'date-time' })
const AuditQuery = Type.Object({
  cursor: Type.Optional(Type.String({ format: 'uuid', description: 'nextCursor of the previous page' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
})
const OrderFacts = Type.Object({
  id: Uuid,
  status: Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s))),
  total: Type.Integer(),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  statusAt: Timestamp,
  history: Type.Array(Type.Object({ status: Type.String(), at: Timestamp })),
  payment: Type.Union([Type.Object({ status: Type.String(), paymentId: Uuid }), Type.Null()]),
  shipment: Type.Union([Type.Object({ status: Type.String() }), Type.Null()]),
  items: Type.Array(Type.Object({ productId: Uuid, quantity: Type.Integer() })),
})
const OrderAuditPage = Type.Object({
  service: Type.Literal('order'),
  asOf: Timestamp,
  outbox: Type.Object({ count: Type.Integer(), oldestAgeSeconds: Type.Union([Type.Number(), Type.Null()]) }),
  items: Type.Array(OrderFacts),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
})

/**
 * GET /internal/audit (admin): every order with its history, lines and what it learnt
 * from payment and shipping, read-only, paged by id. Never routed by the gateway.
 */
export function registerAuditRoutes(app: App, src: AuditSources): void {
  app.get(
    '/internal/audit',
    {
      onRequest: requireRole('admin'),
      schema: { tags: ['internal'], querystring: AuditQuery, response: { 200: OrderAuditPage, ...problemResponses(400, 401, 403) } },
    },
    (req) => orderAuditFacts(src, req.query),
  )
}
