import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMemoryCache } from '../src/cache-memory.ts'
import { createRedisCache } from '../src/cache-redis.ts'
import type { Cache } from '../src/ports.ts'
import { serverAvailable, testRedisUrl, uniqueName } from '../src/testing.ts'
import { startTcpProxy } from '../src/testing-proxy.ts'

// One contract, two adapters: whatever passes here behaves the same in embedded mode
// (memory) and in production (Redis).
const redisOk = await serverAvailable('redis')
const prefix = `${uniqueName('cache_contract')}:`

const adapters = [
  { name: 'memory', enabled: true, make: (): Cache => createMemoryCache() },
  { name: 'redis', enabled: redisOk, make: (): Cache => createRedisCache({ url: testRedisUrl(), prefix }) },
]

afterAll(async () => {
  if (!redisOk) return
  const raw = new Redis(testRedisUrl())
  const keys = await raw.keys(`${prefix}*`)
  if (keys.length) await raw.del(...keys)
  await raw.quit()
})

describe.each(adapters)('Cache contract ($name)', ({ enabled, make }) => {
  describe.runIf(enabled)('when the adapter is available', () => {
    let cache: Cache
    let k: (name: string) => string
    beforeEach(() => {
      cache = make()
      // Every test has its own keys so the two adapters and reruns never collide.
      const scope = uniqueName('t')
      k = (name) => `${scope}:${name}`
    })
    afterEach(async () => {
      await cache.close()
    })

    it('a missing key reads as null and a set value reads back', async () => {
      expect(await cache.get(k('a'))).toBeNull()
      await cache.set(k('a'), 'one', 10_000)
      expect(await cache.get(k('a'))).toBe('one')
      await cache.set(k('a'), 'two', 10_000)
      expect(await cache.get(k('a'))).toBe('two')
    })

    it('mget answers one entry per key, in order, null for the absent and the expired', async () => {
      expect(await cache.mget([])).toEqual([])
      await cache.set(k('m1'), 'one', 10_000)
      await cache.set(k('m3'), 'three')
      await cache.set(k('gone'), 'x', 50)
      await sleep(80)
      expect(await cache.mget([k('m1'), k('m2'), k('m3'), k('gone'), k('m1')])).toEqual(['one', null, 'three', null, 'one'])
    })

    it('mgetWithTtl answers each value with the ms it has left, null for no expiry and for the absent', async () => {
      expect(await cache.mgetWithTtl([])).toEqual([])
      await cache.set(k('t1'), 'one', 10_000)
      await cache.set(k('t2'), 'two')
      await cache.set(k('gone'), 'x', 50)
      await sleep(80)
      const [t1, t2, gone, absent] = await cache.mgetWithTtl([k('t1'), k('t2'), k('gone'), k('absent')])
      expect(t1.value).toBe('one')
      expect(t1.ttlMs).toBeGreaterThan(9_000)
      expect(t1.ttlMs).toBeLessThanOrEqual(10_000)
      expect(t2).toEqual({ value: 'two', ttlMs: null })
      expect(gone).toEqual({ value: null, ttlMs: null })
      expect(absent).toEqual({ value: null, ttlMs: null })
    })

    it('mgetWithTtl sees a TTL count down', async () => {
      await cache.set(k('down'), 'v', 1_000)
      const [first] = await cache.mgetWithTtl([k('down')])
      await sleep(300)
      const [later] = await cache.mgetWithTtl([k('down')])
      expect(first.ttlMs! - later.ttlMs!).toBeGreaterThanOrEqual(250)
      expect(later.value).toBe('v')
    })

    it('many commands issued in one tick each get their own answer', async () => {
      const keys = Array.from({ length: 50 }, (_, i) => k(`burst${i}`))
      await Promise.all(keys.map((key, i) => cache.set(key, String(i), 10_000)))
      const [singles, many] = await Promise.all([Promise.all(keys.map((key) => cache.get(key))), cache.mget(keys)])
      expect(singles).toEqual(keys.map((_, i) => String(i)))
      expect(many).toEqual(singles)
    })

    it('a value with a TTL is gone once the TTL has passed', async () => {
      // A second's life: the read right after the write comes well within it on a loaded machine.
      await cache.set(k('short'), 'v', 1000)
      expect(await cache.get(k('short'))).toBe('v')
      await sleep(1100)
      expect(await cache.get(k('short'))).toBeNull()
    })

    it('a value set without TTL stays, and a later set without TTL drops an earlier TTL', async () => {
      await cache.set(k('keep'), 'v', 50)
      await cache.set(k('keep'), 'w')
      await sleep(80)
      expect(await cache.get(k('keep'))).toBe('w')
      await cache.del(k('keep'))
    })

    it('setIfAbsent sets only the first time, until the value expires', async () => {
      expect(await cache.setIfAbsent(k('once'), 'first', 1000)).toBe(true)
      expect(await cache.setIfAbsent(k('once'), 'second', 1000)).toBe(false)
      expect(await cache.get(k('once'))).toBe('first')
      await sleep(1100)
      expect(await cache.setIfAbsent(k('once'), 'third', 10_000)).toBe(true)
      expect(await cache.get(k('once'))).toBe('third')
    })

    it('setIfAbsent under concurrency lets exactly one caller win', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => cache.setIfAbsent(k('race'), String(i), 10_000)))
      expect(results.filter(Boolean)).toHaveLength(1)
      expect(await cache.get(k('race'))).toBe(String(results.indexOf(true)))
    })

    it('del removes every key given and accepts none', async () => {
      await cache.set(k('d1'), '1', 10_000)
      await cache.set(k('d2'), '2', 10_000)
      await cache.set(k('d3'), '3', 10_000)
      await cache.del(k('d1'), k('d2'))
      await cache.del()
      expect(await cache.get(k('d1'))).toBeNull()
      expect(await cache.get(k('d2'))).toBeNull()
      expect(await cache.get(k('d3'))).toBe('3')
    })

    it('incr counts from 1 and keeps the TTL its first increment started', async () => {
      const first = await cache.incr(k('n'), 1_000)
      expect(first.value).toBe(1)
      expect(first.ttlMs).toBeGreaterThan(900)
      expect(first.ttlMs).toBeLessThanOrEqual(1_000)
      await sleep(50)
      const second = await cache.incr(k('n'), 1_000)
      expect(second.value).toBe(2)
      // Not restarted by the second increment.
      expect(second.ttlMs).toBeLessThanOrEqual(first.ttlMs - 40)
      expect(second.ttlMs).toBeGreaterThan(0)
    })

    it('an incr counter starts again at 1 after its TTL', async () => {
      await cache.incr(k('w'), 60)
      await cache.incr(k('w'), 60)
      await sleep(90)
      expect((await cache.incr(k('w'), 60)).value).toBe(1)
    })

    it('incr on a value set without TTL continues from it and gives it a TTL', async () => {
      await cache.set(k('plain'), '41')
      const r = await cache.incr(k('plain'), 60)
      expect(r.value).toBe(42)
      expect(r.ttlMs).toBeGreaterThan(0)
      expect(r.ttlMs).toBeLessThanOrEqual(60)
      await sleep(90)
      expect(await cache.get(k('plain'))).toBeNull()
    })

    it('50 concurrent incr calls each get a distinct value', async () => {
      const results = await Promise.all(Array.from({ length: 50 }, () => cache.incr(k('c'), 10_000)))
      expect(results.map((r) => r.value).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
      expect(await cache.get(k('c'))).toBe('50')
    })

    it('incr on a non-integer value is refused', async () => {
      await cache.set(k('text'), 'abc', 10_000)
      await expect(cache.incr(k('text'), 1_000)).rejects.toThrow()
      expect(await cache.get(k('text'))).toBe('abc')
    })

    it('a TTL that is not positive is refused', async () => {
      await expect(cache.set(k('bad'), 'v', 0)).rejects.toThrow(RangeError)
      await expect(cache.setIfAbsent(k('bad'), 'v', -5)).rejects.toThrow(RangeError)
      await expect(cache.incr(k('bad'), 0)).rejects.toThrow(RangeError)
      expect(await cache.get(k('bad'))).toBeNull()
    })

    it('ping answers while open, and every command fails after close', async () => {
      await expect(cache.ping()).resolves.toBeUndefined()
      await cache.close()
      await expect(cache.ping()).rejects.toThrow()
      await expect(cache.get(k('x'))).rejects.toThrow()
      await cache.close()
    })
  })
})

describe.runIf(redisOk)('Redis cache reads', () => {
  it('gets and mgets issued in one turn of the event loop reach Redis as one MGET, each caller with its own answer', async () => {
    // Only this client's traffic passes the proxy, so what it counts is this client's commands.
    const sent: string[] = []
    const target = new URL(testRedisUrl())
    const proxy = await startTcpProxy(
      { host: target.hostname, port: Number(target.port || 6379) },
      { onClientData: (chunk) => sent.push(...[...chunk.toString('latin1').matchAll(/\r\n\$\d+\r\n(m?get)\r\n/gi)].map((m) => m[1]!.toLowerCase())) },
    )
    const cache = createRedisCache({ url: `redis://127.0.0.1:${proxy.port}`, prefix })
    const scope = uniqueName('batch')
    try {
      await Promise.all([cache.set(`${scope}:a`, 'A', 10_000), cache.set(`${scope}:b`, 'B', 10_000)])
      sent.length = 0
      const [a, b, many, none] = await Promise.all([
        cache.get(`${scope}:a`),
        cache.get(`${scope}:b`),
        cache.mget([`${scope}:b`, `${scope}:gone`, `${scope}:a`]),
        cache.get(`${scope}:gone`),
      ])
      expect([a, b, many, none]).toEqual(['A', 'B', ['B', null, 'A'], null])
      expect(sent).toEqual(['mget'])
      // A read in a later turn is a batch of its own.
      expect(await cache.get(`${scope}:a`)).toBe('A')
      expect(sent).toEqual(['mget', 'mget'])
    } finally {
      await cache.close()
      await proxy.close()
    }
  })

  it('a batch that fails fails every read in it as an outage (503)', async () => {
    const cache = createRedisCache({ url: 'redis://127.0.0.1:1', prefix, connectTimeoutMs: 200 })
    const results = await Promise.allSettled([cache.get('x'), cache.mget(['y', 'z'])])
    for (const r of results) {
      expect(r.status).toBe('rejected')
      expect((r as PromiseRejectedResult).reason).toMatchObject({ status: 503 })
    }
    await cache.close()
  })
})
