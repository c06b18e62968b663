import { randomUUID } from 'node:crypto'
import { expect } from 'vitest'
import type { ApiResponse, api } from '../e2e/client.ts'
import type { Shop } from '../e2e/shop.ts'

/**
 * Shared tools of the abuse suite: problem+json and leak checks on answers, the
 * documented operations read from the gateway's merged OpenAPI document, and a few
 * ready-made actors (an admin token, customers with a paid order).
 */

export type Client = ReturnType<typeof api>

/** The answer is an RFC 9457 problem with this status (and code, when given). */
export function expectProblem(res: ApiResponse, status: number, code?: string): void {
  const what = `${status}${code ? ` ${code}` : ''} expected, got ${res.status} ${JSON.stringify(res.body)}`
  expect(res.status, what).toBe(status)
  expect(res.headers.get('content-type') ?? '', what).toMatch(/^application\/problem\+json/)
  expect(typeof res.body?.code, what).toBe('string')
  expect(res.body.code.length, what).toBeGreaterThan(0)
  expect(res.body.status, what).toBe(status)
  if (code) expect(res.body.code, what).toBe(code)
}

const GENERIC_LEAKS: [string, RegExp][] = [
  ['a stack frame', /\n\s+at\s|\bat\s+[\w$.<>]+\s+\([^)]*:\d+:\d+\)|\.(?:ts|js|mjs|cjs):\d+:\d+/],
  ['an SQL statement', /\b(?:SELECT|INSERT|UPDATE|DELETE)\b[^"]{0,80}\b(?:FROM|INTO|SET|WHERE)\b/],
  [
    'a database error',
    /syntax error at or near|violates (?:unique|foreign key|check|not-null) constraint|duplicate key value|invalid input syntax|relation "|column "|\bpg_catalog\b|SQLSTATE/i,
  ],
  ['a file path', /\/work\/|node_modules|\/home\/|\/usr\/|\/tmp\/|file:\/\/|[A-Z]:\\\\/],
  ['a network error', /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|getaddrinfo|socket hang up|UND_ERR/],
  ['a connection string', /(?:postgres(?:ql)?|amqps?|redis):\/\//i],
  ['an internal host', /\blocalhost:\d+|\b127\.0\.0\.1:\d+|\[::1\]:\d+/],
]

/** What the answer's body gives away that a client must never see (stack, SQL, paths, internal hosts). */
export function leaksIn(res: ApiResponse, shop?: Shop): string[] {
  // errors[].path names the client's own fields back to it: an echo, not a leak.
  const body = res.body && typeof res.body === 'object' && Array.isArray(res.body.errors)
    ? { ...res.body, errors: res.body.errors.map((e: { message?: unknown }) => e.message) }
    : res.body
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? '')
  const found = GENERIC_LEAKS.filter(([, re]) => re.test(text)).map(([what]) => what)
  for (const [name, url] of Object.entries(shop?.urls ?? {})) {
    if (text.includes(new URL(url).host)) found.push(`the address of ${name}`)
  }
  return found
}

/** An error answer that tells nothing of the inside: problem+json with a code, and no leak. */
export function expectCleanError(res: ApiResponse, shop: Shop, label: string): void {
  expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400)
  // 503 upstream_unavailable is the one honest server-side answer; any other 5xx is a bug.
  expect(res.status < 500 || res.status === 503, `${label}: a server error ${res.status} ${JSON.stringify(res.body)}`).toBe(true)
  expect(res.headers.get('content-type') ?? '', label).toMatch(/^application\/problem\+json/)
  expect(typeof res.body?.code, `${label}: ${JSON.stringify(res.body)}`).toBe('string')
  expect(leaksIn(res, shop), `${label}: ${JSON.stringify(res.body)}`).toEqual([])
}

export interface Operation {
  method: string
  /** As documented, e.g. /v1/orders/{id}. */
  path: string
  responses: string[]
  match(method: string, path: string): boolean
}

/** Every operation of the gateway's merged OpenAPI document. */
export async function documentedOperations(client: Client): Promise<Operation[]> {
  const doc = await client.get('/openapi.json')
  expect(doc.status, JSON.stringify(doc.body)).toBe(200)
  const ops: Operation[] = []
  for (const [path, item] of Object.entries(doc.body.paths as Record<string, Record<string, { responses?: object }>>)) {
    const re = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`)
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue
      const m = method.toUpperCase()
      ops.push({ method: m, path, responses: Object.keys(op.responses ?? {}), match: (mm, pp) => mm === m && re.test(pp) })
    }
  }
  return ops
}

/** The documented path with every `{param}` filled in. */
export const concrete = (path: string, id: string = randomUUID()): string => path.replace(/\{[^}]+\}/g, id)

/** A body that passes the route's schema where one is needed, so that only authorization can refuse it. */
export function plausibleBody(op: Pick<Operation, 'method' | 'path'>): unknown {
  if (op.method === 'GET' || op.method === 'DELETE') return undefined
  const bodies: [RegExp, unknown][] = [
    [/\/roles$/, { roles: ['admin'] }],
    [/\/stock$/, { onHand: 1 }],
    [/\/refund$/, { reason: 'abuse test' }],
    [/\/shipments\/\{[^}]+\}\/status$/, { status: 'DISPATCHED', carrier: 'CJ' }],
    [/\/categories$/, { name: 'x', slug: `abuse-${randomUUID().slice(0, 8)}` }],
    [/\/products\/\{[^}]+\}$/, { name: 'taken over' }],
    [
      /\/products$/,
      { sku: `ABUSE-${randomUUID().slice(0, 8)}`, name: 'x', description: 'x', price: 1, categoryId: randomUUID() },
    ],
  ]
  return bodies.find(([re]) => re.test(op.path))?.[1] ?? {}
}

/** One request to any URL (a service directly, bypassing the gateway), answered like the e2e client's. */
export async function send(
  url: string,
  opts: { method?: string; token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  if ((opts.body !== undefined || opts.rawBody !== undefined) && !headers['content-type']) headers['content-type'] = 'application/json'
  const res = await fetch(url, {
    method: opts.method ?? 'GET',
    headers,
    body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    signal: AbortSignal.timeout(30_000),
  })
  const text = await res.text()
  let body: unknown = text
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    // not JSON: kept as text for the leak checks
  }
  return { status: res.status, body, headers: res.headers }
}

/** Which service owns each public path prefix (the gateway's route table, as API.md lays it out). */
export const OWNER_OF_PREFIX: Record<string, 'auth' | 'product' | 'order' | 'payment' | 'shipping'> = {
  auth: 'auth',
  products: 'product',
  categories: 'product',
  orders: 'order',
  payments: 'payment',
  shipping: 'shipping',
  shipments: 'shipping',
}

/** A route per process that needs a token: 401 without a good one, anything else with one. */
export const tokenProbes = (shop: Shop) => [
  { name: 'gateway', url: `${shop.gatewayUrl}/v1/orders`, method: 'GET' },
  { name: 'auth', url: `${shop.urls.auth}/auth/profile`, method: 'GET' },
  { name: 'product', url: `${shop.urls.product}/products/${randomUUID()}`, method: 'DELETE' },
  { name: 'order', url: `${shop.urls.order}/orders`, method: 'GET' },
  { name: 'payment', url: `${shop.urls.payment}/payments/${randomUUID()}`, method: 'GET' },
  { name: 'shipping', url: `${shop.urls.shipping}/shipments/${randomUUID()}`, method: 'GET' },
]

/** Logs in as the shop's bootstrapped admin. */
export const adminToken = (client: Client, shop: Shop): Promise<string> => client.login(shop.admin.email, shop.admin.password)

/** Waits a little for anything asynchronous the previous request might have set off. */
export const settle = (ms = 300): Promise<void> => new Promise((r) => setTimeout(r, ms))
