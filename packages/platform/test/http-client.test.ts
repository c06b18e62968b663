import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pino } from 'pino'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { UpstreamUnavailable } from '@shop/platform/errors'
import { createServiceClient, type ServiceClient, type ServiceClientOptions } from '@shop/platform/http-client'
import { currentTraceparent, initTelemetry, withSpan } from '@shop/platform/telemetry'

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void

interface Seen {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

/** A real local upstream whose behaviour each test sets, recording every request it gets. */
class Upstream {
  seen: Seen[] = []
  handler: Handler = (_req, res) => json(res, 200, { ok: true })
  private server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      this.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
      this.handler(req, res, body)
    })
  })
  url = ''

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  reset(handler: Handler): void {
    this.seen = []
    this.handler = handler
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((r) => this.server.close(() => r()))
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' }).end(JSON.stringify(body))
}

const telemetry = initTelemetry({ service: 'http-client-test' })
const upstream = new Upstream()
const clients: ServiceClient[] = []
const logger = pino({ level: 'silent' })

function client(overrides: Partial<ServiceClientOptions> = {}): ServiceClient {
  const c = createServiceClient({ name: 'product', baseUrl: upstream.url, retryBaseMs: 10, logger, ...overrides })
  clients.push(c)
  return c
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected the call to fail')
    },
    (e: unknown) => e,
  )
}

beforeAll(() => upstream.start())
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
})
afterAll(async () => {
  await upstream.stop()
  await telemetry.shutdown()
})

describe('createServiceClient', () => {
  it('sends JSON and parses JSON answers, under the base URL path', async () => {
    upstream.reset((req, res, body) => json(res, 201, { echoed: JSON.parse(body), path: req.url }))
    const c = createServiceClient({ name: 'product', baseUrl: `${upstream.url}/api/` })
    clients.push(c)
    const res = await c.request<{ echoed: unknown; path: string }>({ method: 'POST', path: '/internal/reservations', body: { qty: 2, name: '무선이어폰' } })
    expect(res.status).toBe(201)
    expect(res.body).toEqual({ echoed: { qty: 2, name: '무선이어폰' }, path: '/api/internal/reservations' })
    expect(upstream.seen[0].headers['content-type']).toBe('application/json')
  })

  it('a hanging upstream times out within timeoutMs plus a margin and gives UpstreamUnavailable (503, Retry-After)', async () => {
    upstream.reset(() => {})
    const c = client({ timeoutMs: 300, retries: 0 })
    const started = Date.now()
    const err = await failure(c.request({ method: 'GET', path: '/slow' }))
    const elapsed = Date.now() - started
    expect(err).toBeInstanceOf(UpstreamUnavailable)
    expect((err as UpstreamUnavailable).status).toBe(503)
    expect((err as UpstreamUnavailable).headers?.['retry-after']).toMatch(/^\d+$/)
    expect(elapsed).toBeGreaterThanOrEqual(290)
    expect(elapsed).toBeLessThan(300 + 400)
  })

  it('a GET is retried after a 503 and succeeds', async () => {
    upstream.reset((_req, res) => (upstream.seen.length === 1 ? json(res, 503, { code: 'busy' }) : json(res, 200, { id: 'p1' })))
    const res = await client().request<{ id: string }>({ method: 'GET', path: '/products/p1' })
    expect(res).toMatchObject({ status: 200, body: { id: 'p1' } })
    expect(upstream.seen.map((s) => s.method)).toEqual(['GET', 'GET'])
  })

  it('a GET that keeps failing is tried retries+1 times, then UpstreamUnavailable', async () => {
    upstream.reset((_req, res) => json(res, 502, {}))
    expect(await failure(client({ retries: 2 }).request({ method: 'GET', path: '/x' }))).toBeInstanceOf(UpstreamUnavailable)
    expect(upstream.seen).toHaveLength(3)
  })

  it('a POST is not retried; an explicitly idempotent POST is, and idempotent:false stops a PUT retrying', async () => {
    upstream.reset((_req, res) => json(res, 503, {}))
    const c = client({ retries: 2 })
    expect(await failure(c.request({ method: 'POST', path: '/orders', body: {} }))).toBeInstanceOf(UpstreamUnavailable)
    expect(upstream.seen).toHaveLength(1)

    upstream.reset((_req, res) => json(res, 503, {}))
    expect(await failure(c.request({ method: 'POST', path: '/orders', body: {}, idempotent: true }))).toBeInstanceOf(UpstreamUnavailable)
    expect(upstream.seen).toHaveLength(3)

    upstream.reset((_req, res) => json(res, 503, {}))
    expect(await failure(c.request({ method: 'PUT', path: '/x', body: {}, idempotent: false }))).toBeInstanceOf(UpstreamUnavailable)
    expect(upstream.seen).toHaveLength(1)
  })

  it('after enough failures the breaker opens and calls fail fast without reaching the upstream', async () => {
    upstream.reset((_req, res) => json(res, 500, {}))
    const c = client({ retries: 0, breaker: { volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeoutMs: 5_000 } })
    for (let i = 0; i < 4; i++) await failure(c.request({ method: 'GET', path: '/x' }))
    expect(upstream.seen).toHaveLength(4)
    expect(c.breakerState()).toBe('open')

    // An upstream that now hangs: a call that reached it would wait out the client's 2 s timeout.
    upstream.handler = () => {}
    const started = Date.now()
    const err = await failure(c.request({ method: 'GET', path: '/x' }))
    expect(Date.now() - started).toBeLessThan(1000)
    expect(err).toBeInstanceOf(UpstreamUnavailable)
    expect(Number((err as UpstreamUnavailable).headers?.['retry-after'])).toBeGreaterThanOrEqual(4)
    expect(upstream.seen).toHaveLength(4)
  })

  it('after resetTimeoutMs the breaker half-opens, and a success closes it again', async () => {
    upstream.reset((_req, res) => json(res, 500, {}))
    const c = client({ retries: 0, breaker: { volumeThreshold: 2, resetTimeoutMs: 200 } })
    await failure(c.request({ method: 'GET', path: '/x' }))
    await failure(c.request({ method: 'GET', path: '/x' }))
    expect(c.breakerState()).toBe('open')

    upstream.reset((_req, res) => json(res, 200, { back: true }))
    await new Promise((r) => setTimeout(r, 260))
    expect(c.breakerState()).toBe('halfOpen')
    expect((await c.request({ method: 'GET', path: '/x' })).body).toEqual({ back: true })
    expect(c.breakerState()).toBe('closed')
    expect((await c.request({ method: 'GET', path: '/x' })).status).toBe(200)
    expect(upstream.seen).toHaveLength(2)
  })

  it('a failure while half-open opens the breaker again', async () => {
    upstream.reset((_req, res) => json(res, 500, {}))
    const c = client({ retries: 0, breaker: { volumeThreshold: 2, resetTimeoutMs: 200 } })
    await failure(c.request({ method: 'GET', path: '/x' }))
    await failure(c.request({ method: 'GET', path: '/x' }))
    await new Promise((r) => setTimeout(r, 260))
    expect(c.breakerState()).toBe('halfOpen')
    await failure(c.request({ method: 'GET', path: '/x' }))
    expect(c.breakerState()).toBe('open')
    expect(upstream.seen).toHaveLength(3)
  })

  it('4xx answers pass through to the caller, are not retried and do not open the breaker', async () => {
    upstream.reset((_req, res) => json(res, 409, { code: 'insufficient_stock', detail: 'p1: 0 left' }))
    const c = client({ retries: 2, breaker: { volumeThreshold: 2 } })
    for (let i = 0; i < 6; i++) {
      const res = await c.request<{ code: string }>({ method: 'GET', path: '/x' })
      expect(res.status).toBe(409)
      expect(res.body.code).toBe('insufficient_stock')
      expect(res.headers['content-type']).toBe('application/problem+json')
    }
    expect(upstream.seen).toHaveLength(6)
    expect(c.breakerState()).toBe('closed')
  })

  it('a refused connection counts as a failure and ends in UpstreamUnavailable', async () => {
    const gone = new Upstream()
    await gone.start()
    await gone.stop()
    const c = createServiceClient({ name: 'shipping', baseUrl: gone.url, retries: 1, retryBaseMs: 5, breaker: { volumeThreshold: 2 } })
    clients.push(c)
    const err = await failure(c.request({ method: 'GET', path: '/x' }))
    expect(err).toBeInstanceOf(UpstreamUnavailable)
    expect((err as UpstreamUnavailable).detail).toContain('shipping')
    expect(c.breakerState()).toBe('open')
  })

  it('traceparent of the active span and a given x-request-id arrive at the upstream', async () => {
    upstream.reset((_req, res) => json(res, 200, {}))
    const c = client()
    const active = await withSpan('place-order', async () => {
      await c.request({ method: 'GET', path: '/x', headers: { 'X-Request-Id': 'req-42' } })
      return currentTraceparent()
    })
    await c.request({ method: 'GET', path: '/y' })
    const [inSpan, outside] = upstream.seen
    // The upstream's parent is the active span itself: same trace, same span id, same flags.
    expect(active).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
    expect(inSpan.headers.traceparent).toBe(active)
    expect(inSpan.headers['x-request-id']).toBe('req-42')
    expect(outside.headers.traceparent).toBeUndefined()
  })
})
