import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ApiResponse } from '../e2e/client.ts'

/**
 * Probe material of the abuse suite: the candidate paths of the route inventory walk
 * (API9), the SSRF-shaped image URLs (API7), and a canary server that counts any
 * request a service might make to an address it was handed.
 */

/** Routes every process serves for operators (API.md "Operations"), besides the documented API. */
export const OPERATIONS_ROUTES = [/^\/health$/, /^\/health\/ready$/, /^\/metrics$/, /^\/openapi\.json$/, /^\/v1\/openapi\.json$/, /^\/docs(\/.*)?$/]

/** Paths an attacker would try: other versions, admin and internal areas, debug endpoints, likely REST siblings. */
export const UNDOCUMENTED_CANDIDATES = [
  '/v1',
  '/v1/admin',
  '/v1/admin/users',
  '/v1/users',
  '/v1/users/{id}',
  '/v1/auth/users',
  '/v1/auth/users/{id}',
  '/v1/auth/sessions',
  '/v1/auth/token',
  '/v1/auth/.well-known/openid-configuration',
  '/v1/internal/reservations',
  '/v1/products/internal/reservations',
  '/v1/products/..%2finternal%2freservations',
  '/v1/orders/..%2f..%2fhealth',
  '/v1/products/{id}/reservations',
  '/v1/products/{id}/stock/history',
  '/v1/reservations',
  '/v1/orders/{id}/pay',
  '/v1/orders/{id}/items',
  '/v1/payments',
  '/v1/payments/{id}/cancel',
  '/v1/payments/{id}/capture',
  '/v1/refunds',
  '/v1/shipments',
  '/v1/shipping/rules',
  '/v1/categories/{id}',
  '/v1/debug',
  '/v1/health',
  '/v1/metrics',
  '/v1/config',
  '/v1/graphql',
  '/v1/swagger.json',
  '/v2/products',
  '/api/products',
  '/products',
  '/orders',
  '/internal/reservations',
  '/.env',
  '/.git/config',
  '/actuator/health',
  '/server-status',
  '/admin',
]

export const WALK_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

/** The web app's pages (UI.md), which the gateway serves as HTML outside /v1 (API.md). */
export const WEB_PAGES = [/^\/$/, /^\/categories\/[^/]+$/, /^\/search$/, /^\/products\/[^/]+$/, /^\/cart$/, /^\/checkout$/, /^\/orders(\/[^/]+)?$/, /^\/tracking\/[^/]+$/, /^\/(login|signup|account)$/, /^\/admin(\/.*)?$/]

const isHtml = (res: ApiResponse) => /^text\/html/.test(res.headers.get('content-type') ?? '')

/**
 * Whether the answer says "no such route" (as opposed to "no such object" or a refusal):
 * a problem saying so, or, outside /v1 where the web app answers GETs, its 404 page.
 */
export const noRoute = (res: ApiResponse): boolean =>
  res.status === 405 ||
  (res.status === 404 && (/no route/i.test(String((res.body as { detail?: unknown } | null)?.detail ?? '')) || isHtml(res)))

/** A GET outside /v1 answered by one of the web app's pages (documented by UI.md and API.md, not the OpenAPI document). */
export const webPage = (method: string, path: string, res: ApiResponse): boolean =>
  method === 'GET' && !path.startsWith('/v1') && isHtml(res) && WEB_PAGES.some((re) => re.test(path.split('?')[0]))

/** Image URLs aimed at the shop's own network, in the many spellings that reach it. `port` is the canary's. */
export const ssrfUrls = (port: number): string[] => [
  `http://127.0.0.1:${port}/a.png`,
  `http://localhost:${port}/a.png`,
  `http://LOCALHOST.:${port}/a.png`,
  `http://[::1]:${port}/a.png`,
  `http://[::ffff:127.0.0.1]:${port}/a.png`,
  `http://[::127.0.0.1]:${port}/a.png`,
  `http://2130706433:${port}/a.png`,
  `http://0x7f000001:${port}/a.png`,
  `http://0177.0.0.1:${port}/a.png`,
  `http://127.1:${port}/a.png`,
  `http://0.0.0.0:${port}/a.png`,
  `http://[::]:${port}/a.png`,
  'http://10.0.0.1/a.png',
  'http://172.16.0.1/a.png',
  'http://192.168.0.1/a.png',
  'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
  'http://[::ffff:a9fe:a9fe]/latest/meta-data/',
  'http://[fd00::1]/a.png',
  'http://[fe80::1]/a.png',
  'http://metadata.google.internal/computeMetadata/v1/',
  'http://metadata/latest/meta-data/',
  'file:///etc/passwd',
  'gopher://127.0.0.1:6379/_FLUSHALL',
  'http://user:secret@cdn.example.com/a.png',
]

export interface Canary {
  port: number
  hits: string[]
  close(): Promise<void>
}

/** A listener on 127.0.0.1 that records every request it gets: no service may ever call it. */
export async function startCanary(): Promise<Canary> {
  const hits: string[] = []
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`)
    res.writeHead(200, { 'content-type': 'image/png' }).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
