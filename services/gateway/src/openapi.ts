import type { ServiceName } from '@shop/platform/runtime'
import { ROUTE_TABLE } from './routes.ts'

type OpenApiDoc = {
  openapi: string
  info: Record<string, unknown>
  paths: Record<string, unknown>
  components?: { schemas?: Record<string, unknown>; [k: string]: unknown }
  [k: string]: unknown
}

const OPS = new Set(['/health', '/health/ready', '/metrics', '/openapi.json'])

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
  for (const [service, doc] of Object.entries(docs) as [ServiceName, OpenApiDoc][]) {
    if (!doc) continue
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      if (OPS.has(path) || path.startsWith('/internal') || path.startsWith('/.well-known')) continue
      const first = path.split('/')[1] ?? ''
      if (!ROUTE_TABLE[service].includes(first)) continue
      merged.paths[`/v1${path}`] = item
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
