import { PaymentStatus } from '@shop/contracts/payment'
import { requireRole } from '@shop/platform/auth'
import { type App, problemResponses } from '@shop/platform/server'
import { Type } from '@sinclair/typebox'
import { type AuditSources, paymentAuditFacts } from '../use-cases/audit-facts.ts'

const Krw = Type.Integer()
const Uuid = Type.String({ format: 'uuid' })
const Timestamp = Type.String({ format: 'date-time' })
const AuditQuery = Type.Object({
  cursor: Type.Optional(Type.String({ format: 'uuid', description: 'nextCursor of the previous page' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
})
const PaymentFacts = Type.Object({
  paymentId: Uuid,
  orderId: Uuid,
  status: PaymentStatus,
  amount: Krw,
  refundedAmount: Krw,
  cancelRequested: Type.Boolean(),
  updatedAt: Timestamp,
  charges: Type.Object({ approved: Type.Integer(), captured: Krw, unsettled: Type.Integer() }),
  refunds: Type.Object({ done: Krw, pending: Krw, oldestPendingAt: Type.Union([Timestamp, Type.Null()]) }),
  bank: Type.Union([Type.Object({ charges: Type.Integer(), charged: Krw, cancelled: Krw }), Type.Null()]),
})
const PaymentAuditPage = Type.Object({
  service: Type.Literal('payment'),
  asOf: Timestamp,
  pgProvider: Type.String(),
  outbox: Type.Object({ count: Type.Integer(), oldestAgeSeconds: Type.Union([Type.Number(), Type.Null()]) }),
  items: Type.Array(PaymentFacts),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
})

/**
 * GET /internal/audit (admin): every payment with its charges, refunds and (with the
 * simulator) the PG's own books, read-only, paged by order id. Never routed by the gateway.
 */
export function registerAuditRoutes(app: App, src: AuditSources): void {
  app.get(
    '/internal/audit',
    {
      onRequest: requireRole('admin'),
      schema: { tags: ['internal'], querystring: AuditQuery, response: { 200: PaymentAuditPage, ...problemResponses(400, 401, 403) } },
    },
    (req) => paymentAuditFacts(src, req.query),
  )
}
