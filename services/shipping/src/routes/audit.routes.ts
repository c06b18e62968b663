import { ShipmentStatus } from '@shop/contracts/shipping'
import { requireRole } from '@shop/platform/auth'
import { type App, problemResponses } from '@shop/platform/server'
import { Type } from '@sinclair/typebox'
import { type AuditSources, shippingAuditFacts } from '../use-cases/audit-facts.ts'

const Timestamp = Type.String({ format: 'date-time' })
const AuditQuery = Type.Object({
  cursor: Type.Optional(Type.String({ format: 'uuid', description: 'nextCursor of the previous page' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
})
const ShipmentFacts = Type.Object({
  shipmentId: Type.String({ format: 'uuid' }),
  orderId: Type.String({ format: 'uuid' }),
  status: ShipmentStatus,
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
const ShippingAuditPage = Type.Object({
  service: Type.Literal('shipping'),
  asOf: Timestamp,
  outbox: Type.Object({ count: Type.Integer(), oldestAgeSeconds: Type.Union([Type.Number(), Type.Null()]) }),
  items: Type.Array(ShipmentFacts),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
})

/** GET /internal/audit (admin): every shipment's order and status, read-only, paged by order id. Never routed by the gateway. */
export function registerAuditRoutes(app: App, src: AuditSources): void {
  app.get(
    '/internal/audit',
    {
      onRequest: requireRole('admin'),
      schema: { tags: ['internal'], querystring: AuditQuery, response: { 200: ShippingAuditPage, ...problemResponses(400, 401, 403) } },
    },
    (req) => shippingAuditFacts(src, req.query),
  )
}
