import type { FeeRules } from '@shop/contracts/shipping'
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * Contract stand-ins for the product and shipping HTTP APIs the order service calls
 * (packages/contracts/src/product.ts and shipping.ts): small node:http servers answering
 * the documented shapes. The real cross-service flow is covered by the e2e journeys.
 */

export interface Call {
  path: string
  body: unknown
  headers: IncomingMessage['headers']
}

export interface StandIn<M extends string> {
  url: string
  /** How the next requests are answered. */
  mode: M
  calls: Call[]
  close(): Promise<void>
}

export type ProductMode = 'ok' | 'insufficient_stock' | 'down'
export type ShippingMode = 'ok' | 'failing' | 'down'

export interface ProductStandIn extends StandIn<ProductMode> {
  /** productId → what product would answer for it; anything else is an unknown product. */
  catalogue: Map<string, { price: number; name: string }>
  reservations(): Call[]
  releases(): string[]
  /**
   * Holds the answers to the next `count` reservation requests until all of them have
   * arrived, then answers them together: a deterministic race for the callers.
   */
  holdReservations(count: number): void
}

const json = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
  res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body))
}

const problem = (res: ServerResponse, status: number, code: string, title: string, detail: string, errors?: unknown[]) =>
  json(res, status, { type: `https://shop.dev/problems/${code}`, title, status, detail, code, ...(errors ? { errors } : {}) }, 'application/problem+json')

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  return text ? JSON.parse(text) : undefined
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse, body: unknown) => void, calls: Call[]) {
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      calls.push({ path: req.url ?? '', body, headers: req.headers })
      handler(req, res, body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** The product service's reservations API, as its contract describes it. */
export async function productStandIn(): Promise<ProductStandIn> {
  const calls: Call[] = []
  const catalogue = new Map<string, { price: number; name: string }>()
  const reservations = new Map<string, unknown>()
  const self = { mode: 'ok' as ProductMode }
  let barrier: { count: number; waiting: (() => void)[] } | undefined
  const { url, close } = await listen((req, res, body) => {
    if (barrier && req.method === 'POST' && req.url === '/internal/reservations') {
      const gate = barrier
      gate.waiting.push(() => answer(req, res, body))
      if (gate.waiting.length < gate.count) return
      barrier = undefined
      for (const go of gate.waiting) go()
      return
    }
    answer(req, res, body)
  }, calls)
  function answer(req: IncomingMessage, res: ServerResponse, body: unknown) {
    if (self.mode === 'down') {
      req.socket.destroy()
      return
    }
    const release = /^\/internal\/reservations\/([^/]+)\/release$/.exec(req.url ?? '')
    if (req.method === 'POST' && release) {
      json(res, 200, { ...(reservations.get(release[1]) as object), status: 'RELEASED' })
      return
    }
    if (req.method !== 'POST' || req.url !== '/internal/reservations') {
      problem(res, 404, 'not_found', 'Not found', `no route ${req.method} ${req.url}`)
      return
    }
    const { orderId, items, ttlSeconds } = body as { orderId: string; items: { productId: string; quantity: number }[]; ttlSeconds?: number }
    const known = reservations.get(orderId)
    if (known) {
      json(res, 200, known)
      return
    }
    const unknown = items.findIndex((i) => !catalogue.has(i.productId))
    if (unknown >= 0) {
      problem(res, 400, 'validation_failed', 'Validation failed', 'The request is not valid', [
        { path: `/items/${unknown}/productId`, message: 'product does not exist' },
      ])
      return
    }
    if (self.mode === 'insufficient_stock') {
      problem(res, 409, 'insufficient_stock', 'Not enough stock', `product ${items[0].productId}: 0 left`)
      return
    }
    const reservation = {
      reservationId: randomUUID(),
      orderId,
      status: 'ACTIVE',
      expiresAt: new Date(Date.now() + (ttlSeconds ?? 1200) * 1000).toISOString(),
      items: items.map((i) => ({ ...i, unitPrice: catalogue.get(i.productId)?.price, name: catalogue.get(i.productId)?.name })),
    }
    reservations.set(orderId, reservation)
    json(res, 201, reservation)
  }
  return Object.assign(self, {
    url,
    calls,
    catalogue,
    close,
    holdReservations: (count: number) => {
      barrier = { count, waiting: [] }
    },
    reservations: () => calls.filter((c) => c.path === '/internal/reservations'),
    releases: () => calls.flatMap((c) => /^\/internal\/reservations\/([^/]+)\/release$/.exec(c.path)?.[1] ?? []),
  })
}

/** The shipping service's fee rules (GET /internal/fee-rules): 3,000 KRW, free from 50,000, +3,000 for Jeju. */
export const STAND_IN_FEE_RULES: FeeRules = {
  baseFee: 3000,
  freeFrom: 50_000,
  surcharges: [{ kind: 'jeju', amount: 3000, ranges: [{ from: '63000', to: '63644' }] }],
}

export interface ShippingStandIn extends StandIn<ShippingMode> {
  /** What the next GET /internal/fee-rules answers. */
  rules: FeeRules
  ruleFetches(): number
}

export async function shippingStandIn(): Promise<ShippingStandIn> {
  const calls: Call[] = []
  const self = { mode: 'ok' as ShippingMode, rules: STAND_IN_FEE_RULES }
  const { url, close } = await listen((req, res) => {
    if (self.mode === 'down') {
      req.socket.destroy()
      return
    }
    if (self.mode === 'failing') {
      problem(res, 503, 'upstream_unavailable', 'Upstream unavailable', 'fee rules are not available right now')
      return
    }
    if (req.method === 'GET' && req.url === '/internal/fee-rules') json(res, 200, self.rules)
    else problem(res, 404, 'not_found', 'Not found', `no ${req.method} ${req.url} here`)
  }, calls)
  return Object.assign(self, { url, calls, close, ruleFetches: () => calls.filter((c) => c.path === '/internal/fee-rules').length })
}
