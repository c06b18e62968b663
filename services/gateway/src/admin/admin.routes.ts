import type { AuthUser } from '@shop/platform/auth'
import { Forbidden, UpstreamUnavailable } from '@shop/platform/errors'
import type { EventBus } from '@shop/platform/ports'
import type { ServiceName } from '@shop/platform/runtime'
import { type App, problemResponses } from '@shop/platform/server'
import { Type } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import { auditShop } from './audit-rules.ts'
import { CONSUMERS } from './audit-types.ts'
import { collectFacts } from './collect-facts.ts'

/** What the admin routes need beyond the gateway's own deps (main.ts passes the runtime's bus). */
export interface AdminOptions {
  bus?: EventBus
  /** Default grace period of GET /v1/admin/audit (AUDIT_GRACE_SECONDS). */
  graceSeconds?: number
  pageSize?: number
}

export interface AdminDeps {
  urls: Record<ServiceName, string>
  /** The gateway's access check (route, limits, token): sets req.gatewayUser. */
  check(req: FastifyRequest): Promise<void>
  admin?: AdminOptions
}

const tags = ['admin']
const Figure = Type.Union([Type.Number(), Type.String(), Type.Null()])
const Violation = Type.Object({ subject: Type.String(), message: Type.String() })
const AuditCheck = Type.Object({
  name: Type.String(),
  description: Type.String(),
  ok: Type.Boolean(),
  checked: Type.Boolean({ description: 'false when a source the check needs could not be read: it did not run, and its violations name the sources' }),
  figures: Type.Record(Type.String(), Figure),
  violations: Type.Array(Violation, { description: 'the first violations found; violationCount has them all' }),
  violationCount: Type.Integer(),
})
const AuditReport = Type.Object({
  ok: Type.Boolean(),
  at: Type.String({ format: 'date-time' }),
  graceSeconds: Type.Integer(),
  checks: Type.Array(AuditCheck),
})
const AuditQuery = Type.Object({
  graceSeconds: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 86_400, description: 'how long in-flight work may look unfinished; 0 once the shop is quiet' }),
  ),
})
const ReplayParams = Type.Object({ service: Type.Union(CONSUMERS.map((s) => Type.Literal(s))) })
const ReplayResult = Type.Object({ service: Type.String(), replayed: Type.Integer() })

/**
 * Operator routes hosted by the gateway itself: the consistency audit and dead-letter
 * replay. Admins only, behind the same route check, limits and token check as the rest.
 */
export function registerAdminRoutes(app: App, deps: AdminDeps): void {
  const bus = deps.admin?.bus
  const asAdmin = async (req: FastifyRequest) => {
    await deps.check(req)
    if (!req.gatewayUser?.roles.includes('admin')) throw new Forbidden('This needs the admin role')
  }

  app.get(
    '/v1/admin/audit',
    {
      onRequest: asAdmin,
      schema: {
        tags,
        summary: 'Check the cross-service invariants (stock, order states, money, shipments, outboxes, dead letters)',
        description: 'Answers 200 with ok: false when an invariant is broken; each check lists its figures and violations.',
        querystring: AuditQuery,
        response: { 200: AuditReport, ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (req) => {
      const facts = await collectFacts({
        urls: deps.urls,
        token: (req.gatewayUser as AuthUser).token,
        bus,
        pageSize: deps.admin?.pageSize,
      })
      return auditShop(facts, { now: new Date(), graceSeconds: req.query.graceSeconds ?? deps.admin?.graceSeconds ?? 30 })
    },
  )

  app.post(
    '/v1/admin/dlq/:service/replay',
    {
      onRequest: asAdmin,
      schema: {
        tags,
        summary: "Move a service's dead letters back to its queue after a fix",
        params: ReplayParams,
        response: { 200: ReplayResult, ...problemResponses(400, 401, 403, 429, 503) },
      },
    },
    async (req) => {
      if (!bus) throw new UpstreamUnavailable('the event bus')
      return { service: req.params.service, replayed: await bus.replayDlq(req.params.service) }
    },
  )
}

interface OpenApiLike {
  paths: Record<string, unknown>
}

/**
 * The public document with the gateway's own /v1/admin paths added: the aggregator
 * merges the services' documents only, and every route that answers must be documented.
 */
export function withAdminDocs<D extends OpenApiLike>(
  docs: { refresh(): Promise<D>; current(): D },
  own: () => { paths?: Record<string, unknown> },
): { refresh(): Promise<D>; current(): D } {
  // The merged document declares the bearer scheme (the gateway's own does not): every admin operation needs it.
  const secured = (item: unknown) =>
    Object.fromEntries(Object.entries(item as Record<string, object>).map(([method, op]) => [method, { ...op, security: [{ bearer: [] }] }]))
  const add = (doc: D): D => {
    const admin = Object.entries(own().paths ?? {}).filter(([path]) => path.startsWith('/v1/admin/'))
    return { ...doc, paths: { ...doc.paths, ...Object.fromEntries(admin.map(([path, item]) => [path, secured(item)])) } }
  }
  return { refresh: async () => add(await docs.refresh()), current: () => add(docs.current()) }
}
