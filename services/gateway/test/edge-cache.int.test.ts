import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { createTokenVerifier } from '@shop/platform/auth'
import { createMemoryCache } from '@shop/platform/cache-memory'
import { createRedisCache } from '@shop/platform/cache-redis'
import { loadConfig } from '@shop/platform/config'
import { edgeCacheHeaders } from '@shop/platform/edge-cache'
import { createRedisMirror } from '@shop/platform/key-mirror'
import { createLogger } from '@shop/platform/logger'
import type { Cache } from '@shop/platform/ports'
import type { ProcessName } from '@shop/platform/runtime'
import { createTestIssuer, serveJwks, type TestIssuer } from '@shop/platform/testing-auth'
import { eventually, serverAvailable, testRedisUrl, uniqueName } from '@shop/platform/testing'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { createEdgeCache } from '../src/edge-cache.ts'
import { GatewayConfig } from '../src/config.ts'

// The gateway's edge cache in front of a real upstream process on loopback that declares
// which answers may be kept (as the product service does), over both Cache adapters.
// The upstream counts the calls that reach it, so a test sees whether the gateway
// answered from its copy.

const redisUp = await serverAvailable('redis')
const redisPrefix = `${uniqueName('edge')}:`

interface Upstream {
  app: FastifyInstance
  calls: Map<string, number>
  /** The cache-control header of the latest call per URL. */
  cacheControl: Map<string, string | undefined>
  delayMs: number
  /** Resolved by the next item read once it has read its token (and before its delay). */
  onTokenRead: (() => void)[]
}

async function startUpstream(cache: () => Cache): Promise<Upstream> {
  const up: Upstream = { app: Fastify(), calls: new Map(), cacheControl: new Map(), delayMs: 0, onTokenRead: [] }
  const count = (url: string, headers: Record<string, unknown> = {}) => {
    up.calls.set(url, (up.calls.get(url) ?? 0) + 1)
    up.cacheControl.set(url, headers['cache-control'] as string | undefined)
  }
  up.app.get('/health', async () => ({ status: 'ok' }))
  up.app.get('/openapi.json', async () => ({ openapi: '3.1.0', info: { title: 'product', version: '1' }, paths: {} }))
  // Keepable: validated by the item's token, kept for ?ttl= ms (default 10 s); except
  // 'missing' (a 404) and 'cookie' (sets one), which declare themselves keepable too.
  up.app.get('/products/:id', async (req, reply) => {
    count(req.url, req.headers)
    const { id } = req.params as { id: string }
    if (id === 'missing' || id === 'cookie') {
      reply.headers(edgeCacheHeaders({ ttlMs: 10_000, validators: { 'item:x': '' } }))
      if (id === 'missing') return reply.code(404).send({ code: 'not_found' })
      return reply.header('set-cookie', 'a=b').send({ served: up.calls.get(req.url) })
    }
    const query = req.query as { ttl?: string; pad?: string }
    const ttl = Number(query.ttl ?? 10_000)
    // Like the product service: the token first, then the (slow) load it vouches for.
    const token = (await cache().get(`item:${id}`)) ?? ''
    for (const resolve of up.onTokenRead.splice(0)) resolve()
    if (up.delayMs) await sleep(up.delayMs)
    reply.headers(edgeCacheHeaders({ ttlMs: ttl, validators: { [`item:${id}`]: token } }))
    return reply.header('etag', `"${token}"`).send({ id, token, served: up.calls.get(req.url), pad: 'x'.repeat(Number(query.pad ?? 0)) })
  })
  // Not keepable: no edge headers.
  up.app.get('/products', async (req) => {
    count(req.url)
    return { items: [], served: up.calls.get(req.url) }
  })
  await up.app.listen({ host: '127.0.0.1', port: 0 })
  return up
}

const adapters = [
  { name: 'memory', enabled: true, make: (): Cache => createMemoryCache() },
  { name: 'redis', enabled: redisUp, make: (): Cache => createRedisCache({ url: testRedisUrl(), prefix: redisPrefix }) },
]

afterAll(async () => {
  if (!redisUp) return
  const raw = new Redis(testRedisUrl())
  const keys = await raw.keys(`${redisPrefix}*`)
  if (keys.length) await raw.del(...keys)
  await raw.quit()
})

describe.each(adapters)('gateway edge cache ($name)', ({ enabled, make }) => {
  describe.runIf(enabled)('against a real upstream', () => {
    let issuer: TestIssuer
    let jwks: Awaited<ReturnType<typeof serveJwks>>
    let up: Upstream
    let cache: Cache
    let gateway: FastifyInstance
    const logger = createLogger({ service: 'gateway-test', level: 'silent' })
    let n = 0
    /** A fresh item id per test, so copies and counts never carry over. */
    const item = () => `i${++n}-${Date.now()}`

    async function buildGateway(env: Record<string, string> = {}, gatewayCache: Cache = cache): Promise<FastifyInstance> {
      const base = `http://127.0.0.1:${(up.app.server.address() as AddressInfo).port}`
      const urls = { auth: base, product: base, order: base, payment: base, shipping: base, gateway: 'http://127.0.0.1:1' } as Record<ProcessName, string>
      const app = await buildApp({
        logger,
        version: 'test',
        urls,
        cache: gatewayCache,
        verifier: createTokenVerifier({ jwksUrl: jwks.url, issuer: issuer.issuer, audience: issuer.audience, denylist: gatewayCache }),
        config: loadConfig(GatewayConfig, env),
      })
      await app.ready()
      return app
    }

    beforeAll(async () => {
      cache = make()
      issuer = await createTestIssuer()
      jwks = await serveJwks(issuer.jwks)
      up = await startUpstream(() => cache)
      gateway = await buildGateway()
    })
    afterAll(async () => {
      await gateway?.close()
      await up?.app.close()
      await jwks?.close()
      await cache?.close()
    })
    beforeEach(() => {
      up.delayMs = 0
    })

    const get = (url: string, headers: Record<string, string> = {}, app = gateway) => app.inject({ method: 'GET', url, headers })
    const calls = (path: string) => up.calls.get(path) ?? 0

    it('answers a keepable read from its copy: one upstream call, same status, body and etag, internal headers never relayed', async () => {
      const id = item()
      const first = await get(`/v1/products/${id}`)
      expect(first.statusCode).toBe(200)
      expect(first.headers['x-cache']).toBe('MISS')
      for (let i = 0; i < 5; i++) {
        const again = await get(`/v1/products/${id}`)
        expect(again.statusCode).toBe(200)
        expect(again.headers['x-cache']).toBe('HIT')
        expect(again.json()).toEqual(first.json())
        expect(again.headers.etag).toBe(first.headers.etag)
        expect(again.headers['content-type']).toBe(first.headers['content-type'])
        expect(again.headers['edge-cache-ttl-ms']).toBeUndefined()
        expect(again.headers['edge-cache-validators']).toBeUndefined()
        expect(again.headers['x-request-id']).not.toBe(first.headers['x-request-id'])
      }
      expect(first.headers['edge-cache-validators']).toBeUndefined()
      expect(calls(`/products/${id}`)).toBe(1)
    })

    it('a write that changes a validator makes the very next read go to the upstream', async () => {
      const id = item()
      await get(`/v1/products/${id}`)
      expect((await get(`/v1/products/${id}`)).headers['x-cache']).toBe('HIT')
      await cache.set(`item:${id}`, 'v2', 60_000)
      const after = await get(`/v1/products/${id}`)
      expect(after.headers['x-cache']).toBe('MISS')
      expect(after.json().token).toBe('v2')
      expect(calls(`/products/${id}`)).toBe(2)
      expect((await get(`/v1/products/${id}`)).json().token).toBe('v2')
      // Removing the key counts as a change too (the upstream read it as present).
      await cache.del(`item:${id}`)
      expect((await get(`/v1/products/${id}`)).json().token).toBe('')
      expect(calls(`/products/${id}`)).toBe(3)
    })

    it('a copy is served no longer than the upstream allowed', async () => {
      const id = item()
      const url = `/v1/products/${id}?ttl=1000`
      await get(url)
      // Within the first half of its life: a hit that starts no refresh.
      expect((await get(url)).headers['x-cache']).toBe('HIT')
      await sleep(1050)
      expect((await get(url)).headers['x-cache']).toBe('MISS')
      expect(calls(`/products/${id}?ttl=1000`)).toBe(2)
      expect(up.cacheControl.get(`/products/${id}?ttl=1000`)).toBeUndefined()
    })

    it('a request with credentials or conditions is never answered from a copy nor kept', async () => {
      const id = item()
      const url = `/v1/products/${id}`
      await get(url)
      const token = await issuer.tokenFor('user-1')
      const variants: Record<string, string>[] = [
        { authorization: `Bearer ${token}` },
        { cookie: 'session=1' },
        { 'if-none-match': '"x"' },
        { 'cache-control': 'no-cache' },
        { pragma: 'no-cache' },
      ]
      for (const headers of variants) {
        const res = await get(url, headers)
        expect(res.statusCode, JSON.stringify(headers)).toBe(200)
        expect(res.headers['x-cache'], JSON.stringify(headers)).toBeUndefined()
      }
      expect(calls(`/products/${id}`)).toBe(6)
      // The copy kept by the first, anonymous read is still the one anonymous reads get.
      expect((await get(url)).json().served).toBe(1)
    })

    it('keeps nothing the upstream did not declare keepable, nor errors, nor answers that set a cookie', async () => {
      for (const path of ['/products?q=x', '/products/missing', '/products/cookie']) {
        await get(`/v1${path}`)
        const again = await get(`/v1${path}`)
        expect(again.headers['x-cache'], path).not.toBe('HIT')
        expect(calls(path), path).toBe(2)
      }
    })

    /** Requests counted by result in /metrics so far. */
    async function results(): Promise<Record<string, number>> {
      const text = (await get('/metrics')).body
      const out: Record<string, number> = {}
      for (const m of text.matchAll(/gateway_edge_cache_lookups_total\{result="(\w+)",service="gateway"\} (\d+)/g)) out[m[1]!] = Number(m[2])
      return out
    }

    it('concurrent misses for one URL make one upstream call, and all get the answer', async () => {
      const id = item()
      // Long enough that all eight have arrived before the one call answers, even on a loaded machine.
      up.delayMs = 500
      const before = await results()
      const answers = await Promise.all(Array.from({ length: 8 }, () => get(`/v1/products/${id}`)))
      expect(answers.map((a) => a.statusCode)).toEqual(Array(8).fill(200))
      expect(new Set(answers.map((a) => a.json().served))).toEqual(new Set([1]))
      expect(calls(`/products/${id}`)).toBe(1)
      // Counted once per request: one miss (the caller), seven answered by its copy.
      const after = await results()
      expect((after.miss ?? 0) - (before.miss ?? 0)).toBe(1)
      expect((after.coalesced ?? 0) - (before.coalesced ?? 0)).toBe(7)
    })

    it('a copy about to expire is fetched again in the background while it still answers', async () => {
      const id = item()
      const url = `/v1/products/${id}?ttl=2000`
      await get(url)
      // Past half its life (timers only ever fire late; a late one still leaves up to 900 ms).
      await sleep(1100)
      // This read is answered by the copy and starts one refresh.
      const due = await get(url)
      expect(due.headers['x-cache']).toBe('HIT')
      expect(due.json().served).toBe(1)
      expect((await get(url)).headers['x-cache']).toBe('HIT')
      await sleep(1000)
      // Past the first copy's two seconds: the refreshed copy answers, nobody waited for it.
      const later = await get(url)
      expect(later.headers['x-cache']).toBe('HIT')
      expect(later.json().served).toBe(2)
      expect(calls(`/products/${id}?ttl=2000`)).toBe(2)
      // The refresh asked the service for fresh data, not its own cache's rest of the second.
      expect(up.cacheControl.get(`/products/${id}?ttl=2000`)).toBe('no-cache')
    })

    it('a copy replaced while a read was checking it is not renewed again by that read', async () => {
      const id = item()
      const edge = createEdgeCache({ cache, maxEntries: 10 })
      const declared = edgeCacheHeaders({ ttlMs: 10_000, validators: { [`item:${id}`]: '' } })
      const copy = (body: string) => ({ status: 200, headers: {}, body: Buffer.from(body) })
      // Asked for 6 s ago with 10 s to live: past half its life, so a read finds it due.
      edge.store(id, performance.now() - 6000, copy('old'), declared)
      const alone = await edge.lookup(id)
      expect(alone.refreshDue).toBe(true)
      // A renewal lands while the next read waits for the cache's answer about the old copy.
      const checking = edge.lookup(id)
      edge.store(id, performance.now(), copy('new'), declared)
      const seen = await checking
      expect(seen.result).toBe('hit')
      expect(seen.refreshDue).toBe(false)
      const next = await edge.lookup(id)
      expect(next.copy?.body.toString()).toBe('new')
      expect(next.refreshDue).toBe(false)
    })

    it('a waiter still checks the copy it waited for: a write during the call sends it to the upstream', async () => {
      const id = item()
      up.delayMs = 300
      const tokenRead = new Promise<void>((resolve) => up.onTokenRead.push(resolve))
      const leader = get(`/v1/products/${id}`)
      // The leader's answer is loaded under the old token; the waiter arrives during the load.
      await tokenRead
      const waiter = get(`/v1/products/${id}`)
      await sleep(30)
      await cache.set(`item:${id}`, 'after', 60_000)
      const [l, w] = await Promise.all([leader, waiter])
      expect(l.json().token).toBe('')
      // Whether it waited for the leader or came after it, the waiter never gets the copy the write outdated.
      expect(w.json().token).toBe('after')
      expect(calls(`/products/${id}`)).toBe(2)
    })

    it('when the cache fails, reads go to the upstream instead of trusting a copy', async () => {
      const failing = make()
      const app = await buildGateway({ RATE_LIMIT_PER_MINUTE: '0' }, failing)
      const id = item()
      await get(`/v1/products/${id}`, {}, app)
      expect((await get(`/v1/products/${id}`, {}, app)).headers['x-cache']).toBe('HIT')
      await failing.close()
      const res = await get(`/v1/products/${id}`, {}, app)
      expect(res.statusCode).toBe(200)
      expect(res.headers['x-cache']).not.toBe('HIT')
      expect(calls(`/products/${id}`)).toBe(2)
      await app.close()
    })

    it('holds at most EDGE_CACHE_MAX_ENTRIES copies (oldest dropped first), and 0 turns it off', async () => {
      const small = await buildGateway({ EDGE_CACHE_MAX_ENTRIES: '2' })
      const [a, b, c] = [item(), item(), item()]
      for (const id of [a, b, c]) await get(`/v1/products/${id}`, {}, small)
      expect((await get(`/v1/products/${c}`, {}, small)).headers['x-cache']).toBe('HIT')
      expect((await get(`/v1/products/${b}`, {}, small)).headers['x-cache']).toBe('HIT')
      expect((await get(`/v1/products/${a}`, {}, small)).headers['x-cache']).toBe('MISS')
      await small.close()

      const off = await buildGateway({ EDGE_CACHE_MAX_ENTRIES: '0' })
      const d = item()
      await get(`/v1/products/${d}`, {}, off)
      const res = await get(`/v1/products/${d}`, {}, off)
      expect(res.headers['x-cache']).toBeUndefined()
      expect(res.headers['edge-cache-ttl-ms']).toBeUndefined()
      expect(calls(`/products/${d}`)).toBe(2)
      await off.close()
    })

    it('holds at most EDGE_CACHE_MAX_BYTES of bodies (oldest dropped first) and never keeps a larger answer', async () => {
      const small = await buildGateway({ EDGE_CACHE_MAX_BYTES: '1024' })
      const [a, b, c] = [item(), item(), item()]
      for (const id of [a, b, c]) await get(`/v1/products/${id}?pad=400`, {}, small)
      expect((await get(`/v1/products/${c}?pad=400`, {}, small)).headers['x-cache']).toBe('HIT')
      expect((await get(`/v1/products/${b}?pad=400`, {}, small)).headers['x-cache']).toBe('HIT')
      expect((await get(`/v1/products/${a}?pad=400`, {}, small)).headers['x-cache']).toBe('MISS')
      const big = item()
      expect((await get(`/v1/products/${big}?pad=2000`, {}, small)).headers['x-cache']).toBe('BYPASS')
      expect((await get(`/v1/products/${big}?pad=2000`, {}, small)).headers['x-cache']).toBe('BYPASS')
      const held = Number(/gateway_edge_cache_bytes\{service="gateway"\} (\d+)/.exec((await get('/metrics', {}, small)).body)?.[1])
      expect(held).toBeGreaterThan(800)
      expect(held).toBeLessThanOrEqual(1024)
      await small.close()
    })

    it('reports lookups by result and the hit ratio in /metrics', async () => {
      const id = item()
      await get(`/v1/products/${id}`)
      await get(`/v1/products/${id}`)
      const text = (await get('/metrics')).body
      expect(text).toMatch(/gateway_edge_cache_lookups_total\{result="hit",service="gateway"\} [1-9]/)
      expect(text).toMatch(/gateway_edge_cache_lookups_total\{result="miss",service="gateway"\} [1-9]/)
      const ratio = Number(/gateway_edge_cache_hit_ratio\{service="gateway"\} ([\d.]+)/.exec(text)?.[1])
      expect(ratio).toBeGreaterThan(0)
      expect(ratio).toBeLessThan(1)
    })
  })
})

describe.runIf(redisUp)('gateway edge cache with the local copy of the validators (distributed mode)', () => {
  it('a hit reads nothing from Redis, and a write to a validator makes the copy stale as soon as Redis pushes it', async () => {
    const cache = createRedisCache({ url: testRedisUrl(), prefix: redisPrefix })
    let cacheReads = 0
    const counted: Cache = { ...cache, mget: (keys) => (cacheReads++, cache.mget(keys)), get: (key) => (cacheReads++, cache.get(key)) }
    const mirror = createRedisMirror({ url: testRedisUrl(), keyPrefix: redisPrefix })
    const validators = mirror.values({ prefixes: ['item:'], fallback: (keys) => cache.mget(keys) })
    const issuer = await createTestIssuer()
    const jwks = await serveJwks(issuer.jwks)
    const up = await startUpstream(() => cache)
    const base = `http://127.0.0.1:${(up.app.server.address() as AddressInfo).port}`
    const urls = { auth: base, product: base, order: base, payment: base, shipping: base, gateway: 'http://127.0.0.1:1' } as Record<ProcessName, string>
    const app = await buildApp({
      logger: createLogger({ service: 'gateway-test', level: 'silent' }),
      version: 'test',
      urls,
      cache: counted,
      validators,
      verifier: createTokenVerifier({ jwksUrl: jwks.url, issuer: issuer.issuer, audience: issuer.audience, denylist: cache }),
      config: loadConfig(GatewayConfig, {}),
    })
    try {
      const id = `mirrored-${Date.now()}`
      const get = () => app.inject({ method: 'GET', url: `/v1/products/${id}` })
      await cache.set(`item:${id}`, 'v1', 60_000)
      expect((await get()).headers['x-cache']).toBe('MISS')
      // Once the copy has read the validator, hits ask Redis nothing.
      await eventually(async () => {
        const before = cacheReads
        const res = await get()
        expect(res.headers['x-cache']).toBe('HIT')
        expect(cacheReads).toBe(before)
        return true
      })
      await cache.set(`item:${id}`, 'v2', 60_000)
      await eventually(async () => {
        expect((await get()).json().token).toBe('v2')
        return true
      })
      expect(up.calls.get(`/products/${id}`)).toBe(2)
    } finally {
      await app.close()
      await up.app.close()
      await jwks.close()
      await mirror.close()
      await cache.close()
    }
  })
})
