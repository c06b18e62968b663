import { requireRole } from '@shop/platform/auth'
import { type App, problemResponses } from '@shop/platform/server'
import { Type } from '@sinclair/typebox'
import { type AuditSources, productAuditFacts } from '../use-cases/audit-facts.ts'

const Count = Type.Integer()
const AuditQuery = Type.Object({
  cursor: Type.Optional(Type.String({ format: 'uuid', description: 'nextCursor of the previous page' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
})
const OutboxBacklog = Type.Object({ count: Count, oldestAgeSeconds: Type.Union([Type.Number(), Type.Null()]) })
const InventoryFacts = Type.Object({
  productId: Type.String({ format: 'uuid' }),
  deleted: Type.Boolean(),
  onHand: Count,
  reserved: Count,
  activeReserved: Type.Integer({ description: 'units in ACTIVE reservations' }),
  ledger: Type.Object({ initial: Count, adjustments: Count, sold: Count, restocked: Count }),
})
const ProductAuditPage = Type.Object({
  service: Type.Literal('product'),
  asOf: Type.String({ format: 'date-time' }),
  outbox: OutboxBacklog,
  items: Type.Array(InventoryFacts),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
})

/**
 * GET /internal/audit (admin): the facts the consistency auditor checks, read-only and
 * paged by product id. Internal: the gateway never routes it; its own audit calls it.
 */
export function registerAuditRoutes(app: App, src: AuditSources): void {
  app.get(
    '/internal/audit',
    {
      onRequest: requireRole('admin'),
      schema: { tags: ['internal'], querystring: AuditQuery, response: { 200: ProductAuditPage, ...problemResponses(400, 401, 403) } },
    },
    (req) => productAuditFacts(src, req.query),
  )
}
