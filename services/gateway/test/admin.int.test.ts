import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { createTokenVerifier } from '@shop/platform/auth'
import { createMemoryBus, type MemoryBus } from '@shop/platform/bus-memory'
import { createMemoryCache } from '@shop/platform/cache-memory'
import { loadConfig } from '@shop/platform/config'
import { createEvent } from '@shop/platform/events'
import { createLogger } from '@shop/platform/logger'
import type { ProcessName } from '@shop/platform/runtime'
import { createTestIssuer, serveJwks, type TestIssuer } from '@shop/platform/testing-auth'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { consistentShop, parts } from '../src/admin/audit-rules.fixture.ts'
import type { ShopFacts } from '../src/admin/audit-types.ts'
import { buildApp } from '../src/app.ts'
import { GatewayConfig } from '../src/config.ts'

// The gateway's own admin routes: GET /v1/admin/audit over services that answer
// /internal/audit (stand-ins serving hand-made facts page by page, as the real ones do;
// the e2e suite runs it over the real services) and dead-letter replay on the memory bus.
const LIST: Record<string, keyof ShopFacts> = { product: 'products', order: 'orders', payment: 'payments', shipping: 'shipments' }
const KEY: Record<string, string> = { product: 'productId', order: 'id', payment: 'orderId', shipping: 'orderId' }

let facts: ShopFacts
const seenTokens = new Set<string>()

/** A service answering GET /internal/audit from `facts`, paged by its key like the real one. */
async function factsService(name: string): Promise<FastifyInstance> {
  const up = Fastify()
  up.get('/health', async () => ({ status: 'ok' }))
  up.get('/openapi.json', async () => ({ openapi: '3.1.0', info: { title: name, version: '1' }, paths: {} }))
  up.get<{ Querystring: { limit: string; cursor?: string } }>('/internal/audit', async (req) => {
    seenTokens.add(String(req.headers.authorization))
    const key = KEY[name]
    const all = [...((facts[LIST[name]] as { [k: string]: unknown }[] | null) ?? [])].sort((a, b) => String(a[key]).localeCompare(String(b[key])))
    const after = all.filter((x) => !req.query.cursor || String(x[key]) > req.query.cursor)
    const items = after.slice(0, Number(req.query.limit))
    return {
      service: name,
      asOf: new Date().toISOString(),
      pgProvider: 'simulator',
      outbox: facts.outbox[name as 'order'] ?? { count: 0, oldestAgeSeconds: null },
      items,
      nextCursor: after.length > items.length ? String(items[items.length - 1][key]) : null,
    }
  })
  await up.listen({ host: '127.0.0.1', port: 0 })
  return up
}

describe('gateway admin routes', () => {
  let issuer: TestIssuer
  let jwks: Awaited<ReturnType<typeof serveJwks>>
  const upstreams: FastifyInstance[] = []
  let urls: Record<ProcessName, string>
  let bus: MemoryBus
  let app: FastifyInstance
  let admin: string
  let customer: string

  beforeAll(async () => {
    issuer = await createTestIssuer()
    jwks = await serveJwks(issuer.jwks)
    const entries: [string, string][] = []
    for (const s of ['product', 'order', 'payment', 'shipping']) {
      const up = await factsService(s)
      upstreams.push(up)
      entries.push([s, `http://127.0.0.1:${(up.server.address() as AddressInfo).port}`])
    }
    urls = { ...Object.fromEntries(entries), auth: 'http://127.0.0.1:9', gateway: 'http://127.0.0.1:9' } as Record<ProcessName, string>
    admin = await issuer.tokenFor(randomUUID(), ['customer', 'admin'])
    customer = await issuer.tokenFor(randomUUID(), ['customer'])
  })
  afterAll(async () => {
    await Promise.all(upstreams.map((u) => u.close()))
    await jwks.close()
  })
  beforeEach(async () => {
    facts = consistentShop(new Date())
    bus = createMemoryBus({ retryDelaysMs: [10] })
    const cache = createMemoryCache()
    app = await buildApp({
      logger: createLogger({ service: 'gateway-test', level: 'silent' }),
      version: 'test',
      urls,
      cache,
      verifier: createTokenVerifier({ jwksUrl: jwks.url, issuer: issuer.issuer, audience: issuer.audience, denylist: cache }),
      config: loadConfig(GatewayConfig, {}),
      admin: { bus, graceSeconds: 30, pageSize: 2 },
    })
    await app.ready()
    return async () => {
      await app.close()
      await bus.close()
    }
  })

  const get = (url: string, token?: string) =>
    app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} })
  const replay = (service: string, token?: string) =>
    app.inject({ method: 'POST', url: `/v1/admin/dlq/${service}/replay`, headers: token ? { authorization: `Bearer ${token}` } : {} })

  it('both routes refuse a request without a token (401) and a customer (403)', async () => {
    for (const res of [await get('/v1/admin/audit'), await replay('order')]) {
      expect(res.statusCode).toBe(401)
      expect(res.json().code).toBe('unauthorized')
    }
    for (const res of [await get('/v1/admin/audit', customer), await replay('order', customer)]) {
      expect(res.statusCode).toBe(403)
      expect(res.json().code).toBe('forbidden')
    }
  })

  it('audits the facts of every service, page by page with the admin token, and answers ok', async () => {
    const res = await get('/v1/admin/audit', admin)
    expect(res.statusCode, res.body).toBe(200)
    const report = res.json()
    expect(report.ok).toBe(true)
    expect(report.graceSeconds).toBe(30)
    expect(report.checks.find((c: { name: string }) => c.name === 'facts collected').figures).toEqual({ products: 1, orders: 5, payments: 5, shipments: 3 })
    expect([...seenTokens]).toEqual([`Bearer ${admin}`])
  })

  it('answers 200 with ok: false and the violation when an invariant is broken', async () => {
    parts(facts, 1).product.onHand = 3
    const report = (await get('/v1/admin/audit?graceSeconds=0', admin)).json()
    expect(report.ok).toBe(false)
    expect(report.graceSeconds).toBe(0)
    const stock = report.checks.find((c: { name: string }) => c.name === 'stock balances')
    expect(stock.ok).toBe(false)
    expect(stock.violations[0].message).toMatch(/^on hand 3, but the books say 17/)
  })

  it('names a service that does not answer, without its address, and fails the audit', async () => {
    const down = await buildApp({
      logger: createLogger({ service: 'gateway-test', level: 'silent' }),
      version: 'test',
      urls: { ...urls, shipping: 'http://127.0.0.1:9' },
      cache: createMemoryCache(),
      verifier: createTokenVerifier({ jwksUrl: jwks.url, issuer: issuer.issuer, audience: issuer.audience }),
      config: loadConfig(GatewayConfig, {}),
    })
    const res = await down.inject({ method: 'GET', url: '/v1/admin/audit', headers: { authorization: `Bearer ${admin}` } })
    await down.close()
    expect(res.statusCode).toBe(200)
    expect(res.json().ok).toBe(false)
    const sources = res.json().checks[0]
    expect(sources.violations).toEqual(
      expect.arrayContaining([
        { subject: 'shipping', message: 'the shipping service did not answer' },
        { subject: 'broker', message: 'the gateway has no event bus to read dead letters from' },
      ]),
    )
    expect(res.body).not.toContain('127.0.0.1')
  })

  it('reports dead letters with their age, and replay moves them back to the service queue', async () => {
    let fixed = false
    const handled: string[] = []
    const sub = await bus.subscribe({
      service: 'order',
      types: ['payment.completed'],
      maxAttempts: 1,
      handler: async (event) => {
        if (!fixed) throw new Error('a bug')
        handled.push(event.id)
      },
    })
    const event = createEvent('payment', 'payment.completed', {
      paymentId: randomUUID(),
      orderId: randomUUID(),
      userId: randomUUID(),
      amount: 1000,
      method: 'card',
      approvedAt: new Date().toISOString(),
    })
    await bus.publish(event)
    await bus.idle()
    expect(await bus.dlqDepth('order')).toEqual({ count: 1 })

    const dead = (await get('/v1/admin/audit', admin)).json().checks.find((c: { name: string }) => c.name === 'dead letters')
    expect(dead.ok).toBe(false)
    expect(dead.figures['order count']).toBe(1)
    expect(dead.figures['order oldest s']).toBeGreaterThanOrEqual(0)
    expect(dead.violations[0]).toMatchObject({ subject: 'order', message: expect.stringMatching(/^1 dead letter\(s\), the oldest event \d+ s old$/) })

    fixed = true
    const res = await replay('order', admin)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ service: 'order', replayed: 1 })
    await bus.idle()
    expect(handled).toEqual([event.id])
    expect(await bus.dlqDepth('order')).toEqual({ count: 0 })
    expect((await replay('order', admin)).json()).toEqual({ service: 'order', replayed: 0 })
    await sub.stop()
  })

  it('refuses to replay a service that has no queue (400)', async () => {
    expect((await replay('gateway', admin)).statusCode).toBe(400)
    expect((await replay('auth', admin)).statusCode).toBe(400)
  })

  it('documents both routes in the public OpenAPI document', async () => {
    const doc = (await get('/v1/openapi.json')).json()
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/admin/audit', '/v1/admin/dlq/{service}/replay']))
    expect(doc.paths['/v1/admin/audit'].get.responses['200']).toBeDefined()
    expect(doc.paths['/v1/admin/dlq/{service}/replay'].post).toBeDefined()
  })
})
