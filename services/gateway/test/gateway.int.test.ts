import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { createTokenVerifier, denyToken } from '@shop/platform/auth'
import { createMemoryCache } from '@shop/platform/cache-memory'
import { loadConfig } from '@shop/platform/config'
import { createLogger } from '@shop/platform/logger'
import type { ProcessName } from '@shop/platform/runtime'
import { createTestIssuer, serveJwks, type TestIssuer } from '@shop/platform/testing-auth'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { GatewayConfig } from '../src/config.ts'

// The gateway against real upstream HTTP servers on loopback (stand-ins for the five
// services that echo what reached them), a real JWKS endpoint and the memory cache.
interface Echo {
  method: string
  url: string
  headers: Record<string, unknown>
  body: unknown
}

const PREFIX: Record<string, string> = { auth: 'auth', product: 'products', order: 'orders', payment: 'payments', shipping: 'shipping' }

async function startUpstream(name: string, port = 0): Promise<FastifyInstance> {
  const up = Fastify()
  up.addContentTypeParser('*', { parseAs: 'string' }, (_r, b, done) => done(null, b))
  up.get('/health', async () => ({ status: 'ok', service: name }))
  up.get('/openapi.json', async () => ({
    openapi: '3.1.0',
    info: { title: name, version: '1' },
    paths: { [`/${PREFIX[name]}`]: { get: {} }, '/health': { get: {} }, '/internal/x': { post: {} } },
  }))
  up.get('/orders/fail', async (_r, reply) => reply.code(500).send({ boom: true }))
  up.all('/*', async (req): Promise<Echo & { service: string }> => ({
    service: name,
    method: req.method,
    url: req.url,
    headers: req.headers,
    body: req.body ?? null,
  }))
  await up.listen({ host: '127.0.0.1', port })
  return up
}

const portOf = (app: FastifyInstance) => (app.server.address() as AddressInfo).port

describe('gateway', () => {
  let issuer: TestIssuer
  let jwks: Awaited<ReturnType<typeof serveJwks>>
  const upstreams: Record<string, FastifyInstance> = {}
  let urls: Record<ProcessName, string>
  let cache: ReturnType<typeof createMemoryCache>
  const logger = createLogger({ service: 'gateway-test', level: 'silent' })

  async function gateway(env: Record<string, string> = {}): Promise<FastifyInstance> {
    const app = await buildApp({
      logger,
      version: 'test',
      urls,
      cache,
      verifier: createTokenVerifier({ jwksUrl: jwks.url, issuer: issuer.issuer, audience: issuer.audience, denylist: cache }),
      config: loadConfig(GatewayConfig, { BREAKER_RESET_MS: '500', ...env }),
    })
    await app.ready()
    return app
  }

  beforeAll(async () => {
    issuer = await createTestIssuer()
    jwks = await serveJwks(issuer.jwks)
    for (const s of ['auth', 'product', 'order', 'payment', 'shipping']) upstreams[s] = await startUpstream(s)
    urls = Object.fromEntries(Object.entries(upstreams).map(([s, a]) => [s, `http://127.0.0.1:${portOf(a)}`])) as Record<ProcessName, string>
    urls.gateway = 'http://127.0.0.1:1'
  })
  afterAll(async () => {
    await Promise.all(Object.values(upstreams).map((u) => u.close()))
    await jwks.close()
  })
  beforeEach(() => {
    cache = createMemoryCache()
  })

  it('routes each /v1 prefix to its service with /v1 stripped, query and body intact', async () => {
    const app = await gateway()
    const token = await issuer.tokenFor(randomUUID())
    const cases: [string, string, string][] = [
      ['POST', '/v1/auth/login', 'auth'],
      ['GET', '/v1/products?q=이어폰&limit=5', 'product'],
      ['GET', '/v1/categories', 'product'],
      ['GET', '/v1/orders/123', 'order'],
      ['POST', '/v1/payments', 'payment'],
      ['POST', '/v1/shipping/quote', 'shipping'],
      ['GET', '/v1/shipments/tracking/T1', 'shipping'],
    ]
    for (const [method, url, service] of cases) {
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(method === 'POST' ? { payload: JSON.stringify({ a: 1 }) } : {}),
      })
      expect(res.statusCode, url).toBe(200)
      const echo = res.json()
      expect(echo.service).toBe(service)
      expect(decodeURIComponent(echo.url)).toBe(url.slice(3))
      if (method === 'POST') expect(echo.body).toEqual({ a: 1 })
      expect(echo.headers.authorization).toBe(`Bearer ${token}`)
      expect(echo.headers['x-request-id']).toBe(res.headers['x-request-id'])
      expect(echo.headers['x-forwarded-for']).toBe('127.0.0.1')
    }
    await app.close()
  })

  it('never routes /internal, dot segments or unknown prefixes', async () => {
    const app = await gateway()
    const token = await issuer.tokenFor(randomUUID())
    for (const url of ['/v1/internal/reservations', '/v1/products/../internal/reservations', '/v1/products/%2e%2e/internal/x', '/v1/nope', '/internal/reservations']) {
      const res = await app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` } })
      expect(res.statusCode, url).toBe(404)
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
    }
    await app.close()
  })

  it('refuses a protected route without a token, or with a bad, foreign or logged-out token, before it reaches the service', async () => {
    const app = await gateway()
    expect((await app.inject({ method: 'GET', url: '/v1/orders' })).statusCode).toBe(401)
    const foreign = await (await createTestIssuer()).tokenFor(randomUUID())
    const wrongAud = await issuer.sign({ sub: randomUUID(), aud: 'elsewhere' })
    const expired = await issuer.sign({ sub: randomUUID(), expiresInSec: -120 })
    for (const t of [foreign, wrongAud, expired, 'not.a.jwt']) {
      const res = await app.inject({ method: 'GET', url: '/v1/orders', headers: { authorization: `Bearer ${t}` } })
      expect(res.statusCode).toBe(401)
      expect(res.json().code).toBe('unauthorized')
    }
    const jti = randomUUID()
    const loggedOut = await issuer.sign({ sub: randomUUID(), jti })
    expect((await app.inject({ method: 'GET', url: '/v1/orders', headers: { authorization: `Bearer ${loggedOut}` } })).statusCode).toBe(200)
    await denyToken(cache, jti, Math.floor(Date.now() / 1000) + 900)
    expect((await app.inject({ method: 'GET', url: '/v1/orders', headers: { authorization: `Bearer ${loggedOut}` } })).statusCode).toBe(401)
    // Public routes need no token.
    expect((await app.inject({ method: 'GET', url: '/v1/products' })).statusCode).toBe(200)
    await app.close()
  })

  it('limits requests per IP, and login more strictly, with 429 rate_limited and Retry-After', async () => {
    const app = await gateway({ RATE_LIMIT_PER_MINUTE: '5', AUTH_RATE_LIMIT_PER_MINUTE: '2' })
    const login = () => app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress: '10.0.0.1', payload: {} })
    expect((await login()).statusCode).toBe(200)
    expect((await login()).statusCode).toBe(200)
    const refused = await login()
    expect(refused.statusCode).toBe(429)
    expect(refused.json().code).toBe('rate_limited')
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    const codes = []
    for (let i = 0; i < 4; i++) codes.push((await app.inject({ method: 'GET', url: '/v1/products', remoteAddress: '10.0.0.2' })).statusCode)
    expect(codes).toEqual([200, 200, 200, 200])
    expect((await app.inject({ method: 'GET', url: '/v1/products', remoteAddress: '10.0.0.2' })).statusCode).toBe(200)
    expect((await app.inject({ method: 'GET', url: '/v1/products', remoteAddress: '10.0.0.2' })).statusCode).toBe(429)
    // another IP is unaffected
    expect((await app.inject({ method: 'GET', url: '/v1/products', remoteAddress: '10.0.0.3' })).statusCode).toBe(200)
    await app.close()
  })

  it('limits requests per user across IPs', async () => {
    const app = await gateway({ USER_RATE_LIMIT_PER_MINUTE: '3' })
    const token = await issuer.tokenFor(randomUUID())
    const codes = []
    for (let i = 0; i < 4; i++) {
      codes.push((await app.inject({ method: 'GET', url: '/v1/orders', remoteAddress: `10.1.0.${i}`, headers: { authorization: `Bearer ${token}` } })).statusCode)
    }
    expect(codes).toEqual([200, 200, 200, 429])
    await app.close()
  })

  it('answers a CORS preflight for a configured origin and not for others', async () => {
    const app = await gateway({ CORS_ORIGINS: 'https://shop.example' })
    const ok = await app.inject({
      method: 'OPTIONS',
      url: '/v1/orders',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,idempotency-key' },
    })
    expect(ok.statusCode).toBe(204)
    expect(ok.headers['access-control-allow-origin']).toBe('https://shop.example')
    expect(String(ok.headers['access-control-allow-headers'])).toMatch(/idempotency-key/)
    const other = await app.inject({
      method: 'OPTIONS',
      url: '/v1/orders',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    })
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
    // The request itself: the browser may read the headers a client needs.
    const real = await app.inject({ method: 'GET', url: '/v1/products', headers: { origin: 'https://shop.example' } })
    expect(real.headers['access-control-allow-origin']).toBe('https://shop.example')
    expect(String(real.headers['access-control-expose-headers']).split(/,\s*/)).toEqual(['x-request-id', 'retry-after', 'idempotent-replayed', 'etag'])
    expect(String(real.headers.vary)).toMatch(/origin/i)
    await app.close()
  })

  it("forwards the caller's traceparent as it came when this process records no spans", async () => {
    const app = await gateway()
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
    const res = await app.inject({ method: 'GET', url: '/v1/products', headers: { traceparent } })
    expect(res.json().headers.traceparent).toBe(traceparent)
    const none = await app.inject({ method: 'GET', url: '/v1/categories' })
    expect(none.json().headers.traceparent).toBeUndefined()
    await app.close()
  })

  it('refuses a body over 1 MiB with 413 problem+json without forwarding it', async () => {
    const app = await gateway()
    const token = await issuer.tokenFor(randomUUID())
    const res = await app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }),
    })
    expect(res.statusCode).toBe(413)
    expect(res.json().code).toBe('payload_too_large')
    await app.close()
  })

  it('opens the breaker when an upstream is down (fast 503 with Retry-After) and recovers when it returns', async () => {
    const app = await gateway()
    const token = await issuer.tokenFor(randomUUID())
    const port = portOf(upstreams.payment as FastifyInstance)
    await upstreams.payment?.close()
    const call = () => app.inject({ method: 'GET', url: '/v1/payments/1', headers: { authorization: `Bearer ${token}` } })
    for (let i = 0; i < 6; i++) {
      const res = await call()
      expect(res.statusCode).toBe(503)
      expect(res.json().code).toBe('upstream_unavailable')
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
    }
    upstreams.payment = await startUpstream('payment', port)
    // Still open: refused without trying the upstream.
    expect((await call()).statusCode).toBe(503)
    await new Promise((r) => setTimeout(r, 700))
    const recovered = await call()
    expect(recovered.statusCode).toBe(200)
    expect(recovered.json().service).toBe('payment')
    await app.close()
  })

  it('passes an upstream 5xx through as it is', async () => {
    const app = await gateway()
    const token = await issuer.tokenFor(randomUUID())
    const res = await app.inject({ method: 'GET', url: '/v1/orders/fail', headers: { authorization: `Bearer ${token}` } })
    expect(res.statusCode).toBe(500)
    expect(res.json()).toEqual({ boom: true })
    await app.close()
  })

  it('keeps forwarding to an upstream that answers 5xx: an answering service is up, its other routes stay reachable', async () => {
    const app = await gateway()
    const token = await issuer.tokenFor(randomUUID())
    const headers = { authorization: `Bearer ${token}` }
    for (let i = 0; i < 12; i++) {
      expect((await app.inject({ method: 'GET', url: '/v1/orders/fail', headers })).statusCode).toBe(500)
    }
    const ok = await app.inject({ method: 'GET', url: '/v1/orders/1', headers })
    expect(ok.statusCode).toBe(200)
    expect(ok.json().service).toBe('order')
    await app.close()
  })

  it('serves the merged OpenAPI 3.1 document under /v1 without internal or operations paths, and the viewer', async () => {
    const app = await gateway()
    const doc = (await app.inject({ method: 'GET', url: '/v1/openapi.json' })).json()
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/products', '/v1/orders', '/v1/auth', '/v1/payments', '/v1/shipping']))
    expect(Object.keys(doc.paths).some((p) => p.includes('internal') || p.includes('health'))).toBe(false)
    const ui = await app.inject({ method: 'GET', url: '/docs/' })
    expect([200, 302]).toContain(ui.statusCode)
    await app.close()
  })

  it('reports each upstream in /health/ready', async () => {
    const app = await gateway()
    const res = await app.inject({ method: 'GET', url: '/health/ready' })
    expect(res.statusCode).toBe(200)
    expect(Object.keys(res.json().checks)).toEqual(expect.arrayContaining(['auth', 'product', 'order', 'payment', 'shipping']))
    await app.close()
  })
})
