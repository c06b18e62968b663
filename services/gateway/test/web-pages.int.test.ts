import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { Redis } from 'ioredis'
import { createMemoryCache } from '@shop/platform/cache-memory'
import { createRedisCache } from '@shop/platform/cache-redis'
import { edgeCacheHeaders } from '@shop/platform/edge-cache'
import type { Cache } from '@shop/platform/ports'
import { serverAvailable, testRedisUrl, uniqueName } from '@shop/platform/testing'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildTestGateway, type TestGateway, webDistWith } from './test-gateway.ts'

// Server-rendered pages in the gateway's edge cache (web.ts), with a small renderer in place
// of the web app's: the page /p/:id shows the item the public API gives for :id, read
// through the gateway in-process, from a real upstream process on loopback that declares its
// answers keepable as the product service does (valid while the item's token stands, for
// `ttlMs`). The renderer counts how often it builds its markup.

const redisUp = await serverAvailable('redis')
const redisPrefix = `${uniqueName('pages')}:`

const RENDERER = `
export async function render(url, fetchImpl, origin, reuseMarkup = (build) => build()) {
  const m = url.match(/^\\/p\\/([^/?]+)$/)
  if (!m) return null
  const item = await (await fetchImpl(origin + '/v1/products/' + m[1])).json()
  const html = reuseMarkup(() => {
    globalThis.__pageBuilds = (globalThis.__pageBuilds ?? 0) + 1
    return '<h1>' + item.token + '</h1>'
  })
  return { status: 200, html, head: '<title>' + item.id + '</title>', state: JSON.stringify({ readAt: Date.now(), item }) }
}
`

const builds = () => (globalThis as { __pageBuilds?: number }).__pageBuilds ?? 0

interface Upstream {
  app: FastifyInstance
  calls: Map<string, number>
  ttlMs: number
  delayMs: number
  /** Resolved by the next item read once it has read its token (and before its delay). */
  onTokenRead: (() => void)[]
}

async function startUpstream(cache: () => Cache): Promise<Upstream> {
  const up: Upstream = { app: Fastify(), calls: new Map(), ttlMs: 10_000, delayMs: 0, onTokenRead: [] }
  up.app.get('/health', async () => ({ status: 'ok' }))
  up.app.get('/openapi.json', async () => ({ openapi: '3.1.0', info: { title: 'product', version: '1' }, paths: {} }))
  up.app.get('/products/:id', async (req, reply) => {
    const { id } = req.params as { id: string }
    up.calls.set(id, (up.calls.get(id) ?? 0) + 1)
    const token = (await cache().get(`item:${id}`)) ?? ''
    for (const resolve of up.onTokenRead.splice(0)) resolve()
    if (up.delayMs) await sleep(up.delayMs)
    reply.headers(edgeCacheHeaders({ ttlMs: up.ttlMs, validators: { [`item:${id}`]: token } }))
    return { id, token }
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

describe.each(adapters)('server-rendered pages in the edge cache ($name)', ({ enabled, make }) => {
  describe.runIf(enabled)('against a real upstream', () => {
    let up: Upstream
    let cache: Cache
    let gateway: FastifyInstance
    let built: TestGateway
    let web: ReturnType<typeof webDistWith>
    let n = 0
    /** A fresh item id per test, so copies and counts never carry over. */
    const item = () => `i${++n}-${Date.now()}`

    beforeAll(async () => {
      web = webDistWith(RENDERER)
      cache = make()
      up = await startUpstream(() => cache)
      built = await buildTestGateway({ upstream: `http://127.0.0.1:${(up.app.server.address() as AddressInfo).port}`, cache, webDistDir: web.dir })
      gateway = built.app
    })
    afterAll(async () => {
      await built?.close()
      await up?.app.close()
      web?.remove()
    })
    beforeEach(() => {
      up.ttlMs = 10_000
      up.delayMs = 0
    })

    const get = (url: string) => gateway.inject({ method: 'GET', url })
    const shown = (html: string) => html.match(/<h1>([^<]*)<\/h1>/)?.[1]
    /** Waits until no render or renewal of the page is under way (it holds the page's fill). */
    const settled = async (id: string, calls: number) => {
      for (let i = 0; i < 100 && (up.calls.get(id) ?? 0) < calls; i++) await sleep(10)
      await sleep(50)
    }

    it('a page asked for early in its life is rendered again in the background before it expires, with the data read anew', async () => {
      const id = item()
      up.ttlMs = 1000
      await cache.set(`item:${id}`, 'v1', 60_000)
      const first = await get(`/p/${id}`)
      expect(first.headers['x-cache']).toBe('MISS')
      expect(first.headers['content-security-policy']).toContain("frame-ancestors 'none'")
      // a page is read by the browser as itself, never by another site's script
      expect(first.headers['access-control-allow-origin']).toBeUndefined()
      expect(shown(first.body)).toBe('v1')
      const firstState = first.body.match(/id="shop-state">([^<]*)</)![1]
      // Asked for once, well before half its life: that is enough to have it renewed.
      await sleep(100)
      const early = await get(`/p/${id}`)
      expect(early.headers['x-cache']).toBe('HIT')
      expect(early.body).toBe(first.body)
      expect(up.calls.get(id)).toBe(1)
      // The renewal (due at three quarters of the second) read the item anew: its copy was past
      // half its life too, so the renewal waited for that copy's renewal instead of building on
      // the copy that expires with the page.
      await settled(id, 2)
      expect(up.calls.get(id)).toBe(2)
      await sleep(300)
      // Past the first copy's second: the renewed page answers, nobody waited for it.
      const later = await get(`/p/${id}`)
      expect(later.headers['x-cache']).toBe('HIT')
      expect(shown(later.body)).toBe('v1')
      expect(later.body.match(/id="shop-state">([^<]*)</)![1]).not.toBe(firstState)
    })

    it('a page goes in the coding the client accepts, the same page once decoded, compressed once per copy', async () => {
      const id = item()
      // large enough to be worth compressing
      await cache.set(`item:${id}`, 'v1'.repeat(600), 60_000)
      const plain = await get(`/p/${id}`)
      expect(plain.headers['content-encoding']).toBeUndefined()
      expect(String(plain.headers.vary)).toMatch(/accept-encoding/)
      const asBrowser = await gateway.inject({ method: 'GET', url: `/p/${id}`, headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } })
      expect(asBrowser.headers['x-cache']).toBe('HIT')
      expect(asBrowser.headers['content-encoding']).toBe('br')
      expect(String(asBrowser.headers.vary)).toMatch(/accept-encoding/)
      expect(asBrowser.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3)
      expect(brotliDecompressSync(asBrowser.rawPayload).toString()).toBe(plain.body)
      const again = await gateway.inject({ method: 'GET', url: `/p/${id}`, headers: { 'accept-encoding': 'br' } })
      expect(again.rawPayload.equals(asBrowser.rawPayload)).toBe(true)
      const gzipOnly = await gateway.inject({ method: 'GET', url: `/p/${id}`, headers: { 'accept-encoding': 'br;q=0, gzip' } })
      expect(gzipOnly.headers['content-encoding']).toBe('gzip')
      expect(gunzipSync(gzipOnly.rawPayload).toString()).toBe(plain.body)
    })

    it('a page nobody asks for during its life is not rendered again: it expires', async () => {
      const id = item()
      up.ttlMs = 300
      await cache.set(`item:${id}`, 'v1', 60_000)
      expect((await get(`/p/${id}`)).headers['x-cache']).toBe('MISS')
      await sleep(500)
      expect(up.calls.get(id)).toBe(1)
      const again = await get(`/p/${id}`)
      expect(again.headers['x-cache']).toBe('MISS')
      expect(up.calls.get(id)).toBe(2)
    })

    it('a page first asked for late in its life, after its planned renewal passed unasked, is renewed by that request', async () => {
      const id = item()
      // Four seconds, so that the request made after the planned renewal still comes 800 ms
      // before the copy expires, however late a loaded machine wakes the test.
      up.ttlMs = 4000
      await cache.set(`item:${id}`, 'v1', 60_000)
      expect((await get(`/p/${id}`)).headers['x-cache']).toBe('MISS')
      // Past the planned renewal (at 3 s), which found nobody had asked.
      await sleep(3200)
      expect(up.calls.get(id)).toBe(1)
      const late = await get(`/p/${id}`)
      expect(late.headers['x-cache']).toBe('HIT')
      await settled(id, 2)
      expect(up.calls.get(id)).toBe(2)
      await sleep(900)
      // Past the first copy's life: the page renewed by that request answers.
      expect((await get(`/p/${id}`)).headers['x-cache']).toBe('HIT')
      expect(up.calls.get(id)).toBe(2)
    })

    it('a renewal from the same answers reuses the markup; new answers build it again', async () => {
      const id = item()
      up.ttlMs = 300
      await cache.set(`item:${id}`, 'v1', 60_000)
      const before = builds()
      expect(shown((await get(`/p/${id}`)).body)).toBe('v1')
      expect(builds()).toBe(before + 1)
      await sleep(350)
      // Expired: rendered again (the item read again), from an answer that says the same.
      const again = await get(`/p/${id}`)
      expect(again.headers['x-cache']).toBe('MISS')
      expect(shown(again.body)).toBe('v1')
      expect(up.calls.get(id)).toBe(2)
      expect(builds()).toBe(before + 1)
      await cache.set(`item:${id}`, 'v2', 60_000)
      const edited = await get(`/p/${id}`)
      expect(edited.headers['x-cache']).toBe('MISS')
      expect(shown(edited.body)).toBe('v2')
      expect(builds()).toBe(before + 2)
    })

    it('a write while a renewal is under way shows on the very next request: the renewed page built before it is never served', async () => {
      const id = item()
      up.ttlMs = 1000
      await cache.set(`item:${id}`, 'v1', 60_000)
      expect(shown((await get(`/p/${id}`)).body)).toBe('v1')
      await sleep(600)
      up.delayMs = 200
      const tokenRead = new Promise<void>((resolve) => up.onTokenRead.push(resolve))
      // Answered from the copy, which notes the page was asked for: its renewal (at three
      // quarters of its life) starts soon, and its read of the item is slow.
      expect((await get(`/p/${id}`)).headers['x-cache']).toBe('HIT')
      await tokenRead
      // The merchant's edit lands after the renewal read the old token.
      await cache.set(`item:${id}`, 'v2', 60_000)
      up.delayMs = 0
      const next = await get(`/p/${id}`)
      expect(shown(next.body)).toBe('v2')
      await settled(id, 3)
      // Nor later, once the renewal stored what it built from the old token.
      for (let i = 0; i < 3; i++) expect(shown((await get(`/p/${id}`)).body)).toBe('v2')
    })
  })
})
