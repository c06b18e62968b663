import type { ServiceName } from '@shop/platform/runtime'

/** Which service answers each public path prefix under /v1 (API.md). */
export const ROUTE_TABLE: Record<ServiceName, string[]> = {
  auth: ['auth'],
  product: ['products', 'categories'],
  order: ['orders'],
  payment: ['payments'],
  shipping: ['shipping', 'shipments'],
}

/**
 * Requests anyone may make without a token (API.md "who: anyone"). Every other route
 * needs a valid token at the gateway before it is forwarded; the service checks again.
 */
const PUBLIC: [string, RegExp][] = [
  ['POST', /^\/auth\/(register|login|refresh)$/],
  ['GET', /^\/auth\/\.well-known\/jwks\.json$/],
  // Product reads, listings and GET /products/suggest (a single segment too).
  ['GET', /^\/products(\/[^/]+)?$/],
  ['GET', /^\/categories$/],
  ['POST', /^\/shipping\/quote$/],
  ['GET', /^\/payments\/methods$/],
  ['GET', /^\/shipments\/tracking\/[^/]+$/],
]

/**
 * Long-lived answers streamed as they come (server-sent events): never kept by the edge
 * cache, never bounded by UPSTREAM_TIMEOUT_MS between two events (the service ends them).
 */
const STREAMS: [string, RegExp][] = [['GET', /^\/orders\/[^/]+\/events$/]]

/** Whether `path` (upstream form, without /v1; query allowed) answers with an event stream. */
export function isEventStream(method: string, path: string): boolean {
  const q = path.indexOf('?')
  const bare = q < 0 ? path : path.slice(0, q)
  return STREAMS.some(([m, re]) => m === method && re.test(bare))
}

/** Whether `path` (upstream form, without /v1 and query) is public for `method`. */
export function isPublic(method: string, path: string): boolean {
  const m = method === 'HEAD' ? 'GET' : method
  return m === 'OPTIONS' || PUBLIC.some(([pm, re]) => pm === m && re.test(path))
}

/** Login and register get the stricter per-IP limit (credential stuffing, sign-up abuse). */
export const isCredentialRoute = (method: string, path: string): boolean =>
  method === 'POST' && /^\/auth\/(login|register|refresh)$/.test(path)

/**
 * The upstream path for a public URL, or null when the gateway must not route it:
 * `/internal/*` is service-to-service only, and dot segments could walk out of a prefix.
 */
export function upstreamPath(url: string): string | null {
  const q = url.indexOf('?')
  const path = q < 0 ? url : url.slice(0, q)
  if (!path.startsWith('/v1/')) return null
  const rest = path.slice(3)
  let decoded: string
  try {
    decoded = decodeURIComponent(rest)
  } catch {
    return null
  }
  const segments = decoded.split('/')
  if (segments.some((s) => s === '..' || s === '.' || s.toLowerCase() === 'internal')) return null
  return q < 0 ? rest : `${rest}${url.slice(q)}`
}
