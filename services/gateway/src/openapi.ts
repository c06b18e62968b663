import type { ServiceName } from '@shop/platform/runtime'
import { ProblemSchema } from '@shop/platform/server'
import { isPublic, ROUTE_TABLE } from './routes.ts'

type OpenApiDoc = {
  openapi: string
  info: Record<string, unknown>
  paths: Record<string, unknown>
  components?: { schemas?: Record<string, unknown>; [k: string]: unknown }
  [k: string]: unknown
}

const OPS = new Set(['/health', '/health/ready', '/metrics', '/openapi.json'])
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options']

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/GatewayProblem' } } },
})

/**
 * What the gateway itself may answer on a route, whatever the service documents: the
 * rate limits, an unreachable service, a body it refuses (writes) and, on a route that
 * needs a token, a missing or bad one. Added where the service's document names no
 * answer of that status, so a typed client's error types are complete for every operation.
 */
function gatewayAnswers(method: string, path: string): Record<string, ReturnType<typeof problem>> {
  const out: Record<string, ReturnType<typeof problem>> = {
    '429': problem('rate_limited: too many requests from this address or user (Retry-After says when to try again)'),
    '503': problem('upstream_unavailable: the service is not reachable right now (Retry-After)'),
  }
  if (!isPublic(method.toUpperCase(), path.replace(/^\/v1/, ''))) out['401'] = problem('unauthorized: no valid access token')
  if (method === 'post' || method === 'put' || method === 'patch') {
    out['413'] = problem('payload_too_large: the body is over 1 MiB')
    out['415'] = problem('unsupported_media_type: the body is not JSON')
  }
  return out
}

function withGatewayAnswers(path: string, item: unknown): unknown {
  if (!item || typeof item !== 'object') return item
  const copy: Record<string, unknown> = { ...(item as Record<string, unknown>) }
  for (const method of METHODS) {
    const op = copy[method] as { responses?: Record<string, unknown> } | undefined
    if (!op || typeof op !== 'object') continue
    copy[method] = { ...op, responses: { ...gatewayAnswers(method, path), ...(op.responses ?? {}) } }
  }
  return copy
}

/**
 * The public API document: every service's own OpenAPI, with its public paths put under
 * /v1, and nothing the gateway does not route (operations endpoints, /internal/*).
 */
export function mergeOpenApi(docs: Partial<Record<ServiceName, OpenApiDoc>>, version: string): OpenApiDoc {
  const merged: OpenApiDoc = {
    openapi: '3.1.0',
    info: { title: 'Shop API', version, description: 'Public API of the shop platform, served by the gateway.' },
    servers: [{ url: '/' }],
    paths: {},
    components: { schemas: {}, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  }
  ;(merged.components!.schemas as Record<string, unknown>).GatewayProblem = ProblemSchema
  for (const [service, doc] of Object.entries(docs) as [ServiceName, OpenApiDoc][]) {
    if (!doc) continue
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      if (OPS.has(path) || path.startsWith('/internal') || path.startsWith('/.well-known')) continue
      const first = path.split('/')[1] ?? ''
      if (!ROUTE_TABLE[service].includes(first)) continue
      merged.paths[`/v1${path}`] = withGatewayAnswers(`/v1${path}`, item)
    }
    Object.assign(merged.components?.schemas ?? {}, doc.components?.schemas ?? {})
  }
  return merged
}

/** Fetches and merges the services' documents, keeping the last good one per service. */
export function createOpenApiAggregator(urls: Record<ServiceName, string>, version: string) {
  const last: Partial<Record<ServiceName, OpenApiDoc>> = {}
  let merged = mergeOpenApi(last, version)
  async function refresh(): Promise<OpenApiDoc> {
    await Promise.all(
      (Object.keys(ROUTE_TABLE) as ServiceName[]).map(async (s) => {
        try {
          const res = await fetch(`${urls[s]}/openapi.json`, { signal: AbortSignal.timeout(2000) })
          if (res.ok) last[s] = (await res.json()) as OpenApiDoc
        } catch {
          // keep the last good document of a service that is down
        }
      }),
    )
    merged = mergeOpenApi(last, version)
    return merged
  }
  return { refresh, current: () => merged }
}
