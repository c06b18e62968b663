import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMemoryCache } from '../src/cache-memory.ts'
import { createRedisCache } from '../src/cache-redis.ts'
import { RateLimited } from '../src/errors.ts'
import type { Cache } from '../src/ports.ts'
import { createRateLimiter, enforce } from '../src/rate-limit.ts'
import { serverAvailable, testRedisUrl, uniqueName } from '../src/testing.ts'

const redisOk = await serverAvailable('redis')
const prefix = `${uniqueName('rate_limit')}:`

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

describe('rate limiter options', () => {
  it('a negative or fractional limit, or a window that is not positive, is refused at creation', () => {
    const cache = createMemoryCache()
    expect(() => createRateLimiter(cache, { name: 'x', limit: -1, windowMs: 1_000 })).toThrow(RangeError)
    expect(() => createRateLimiter(cache, { name: 'x', limit: 1.5, windowMs: 1_000 })).toThrow(RangeError)
    expect(() => createRateLimiter(cache, { name: 'x', limit: 5, windowMs: 0 })).toThrow(RangeError)
  })

  it('with limit 0 the limiter never refuses and never touches the cache', async () => {
    const cache = createMemoryCache()
    await cache.close()
    // A closed cache throws on every command: passing here proves it was not used.
    const limiter = createRateLimiter(cache, { name: 'off', limit: 0, windowMs: 1_000 })
    for (let i = 0; i < 100; i++) {
      const r = await limiter.consume('user-1')
      expect(r).toEqual({ allowed: true, remaining: Number.POSITIVE_INFINITY, retryAfterMs: 0 })
    }
    await expect(enforce(limiter, 'user-1', 50)).resolves.toMatchObject({ allowed: true })
  })
})

describe.each(adapters)('rate limiter on the $name cache', ({ enabled, make }) => {
  describe.runIf(enabled)('when the adapter is available', () => {
    let cache: Cache
    let name: string
    beforeEach(() => {
      cache = make()
      name = uniqueName('rl')
    })
    afterEach(async () => {
      await cache.close()
    })

    it('the call after the limit in a window is refused with a retry-after, and remaining counts down', async () => {
      const limiter = createRateLimiter(cache, { name, limit: 3, windowMs: 10_000 })
      const results = []
      for (let i = 0; i < 4; i++) results.push(await limiter.consume('ip-1'))
      expect(results.map((r) => r.allowed)).toEqual([true, true, true, false])
      expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0])
      expect(results[2].retryAfterMs).toBe(0)
      expect(results[3].retryAfterMs).toBeGreaterThan(9_000)
      expect(results[3].retryAfterMs).toBeLessThanOrEqual(10_000)
    })

    it('enforce throws rate_limited with a Retry-After in whole seconds once the limit is spent', async () => {
      const limiter = createRateLimiter(cache, { name, limit: 1, windowMs: 2_500 })
      await expect(enforce(limiter, 'u')).resolves.toMatchObject({ allowed: true, remaining: 0 })
      const err = await enforce(limiter, 'u').catch((e: unknown) => e)
      expect(err).toBeInstanceOf(RateLimited)
      expect((err as RateLimited).status).toBe(429)
      expect((err as RateLimited).code).toBe('rate_limited')
      expect((err as RateLimited).headers).toEqual({ 'retry-after': '3' })
    })

    it('another key, or the same key under another limiter name, is unaffected', async () => {
      const limiter = createRateLimiter(cache, { name, limit: 2, windowMs: 10_000 })
      const other = createRateLimiter(cache, { name: `${name}_other`, limit: 2, windowMs: 10_000 })
      await limiter.consume('a')
      await limiter.consume('a')
      expect((await limiter.consume('a')).allowed).toBe(false)
      expect(await limiter.consume('b')).toMatchObject({ allowed: true, remaining: 1 })
      expect(await other.consume('a')).toMatchObject({ allowed: true, remaining: 1 })
    })

    it('once the window has passed, calls go through again', async () => {
      const limiter = createRateLimiter(cache, { name, limit: 2, windowMs: 400 })
      await limiter.consume('k')
      await limiter.consume('k')
      const refused = await limiter.consume('k')
      expect(refused.allowed).toBe(false)
      await sleep(refused.retryAfterMs + 20)
      expect(await limiter.consume('k')).toMatchObject({ allowed: true, remaining: 1, retryAfterMs: 0 })
    })

    it('50 concurrent consumes against a limit of 20 allow exactly 20', async () => {
      const limiter = createRateLimiter(cache, { name, limit: 20, windowMs: 10_000 })
      const results = await Promise.all(Array.from({ length: 50 }, () => limiter.consume('hot')))
      expect(results.filter((r) => r.allowed)).toHaveLength(20)
      expect(results.filter((r) => !r.allowed).every((r) => r.retryAfterMs > 0)).toBe(true)
    })

    it('a cost takes that many units, and a cost that does not fit is refused', async () => {
      const limiter = createRateLimiter(cache, { name, limit: 5, windowMs: 10_000 })
      expect(await limiter.consume('bulk', 3)).toMatchObject({ allowed: true, remaining: 2 })
      expect((await limiter.consume('bulk', 3)).allowed).toBe(false)
      await expect(limiter.consume('bulk', 0)).rejects.toThrow(RangeError)
    })

    it('concurrent multi-unit consumes never admit more units than the limit', async () => {
      const limiter = createRateLimiter(cache, { name, limit: 10, windowMs: 10_000 })
      const results = await Promise.all(Array.from({ length: 12 }, () => limiter.consume('multi', 3)))
      // Racing multi-unit requests may all be refused (their units interleave), but the
      // units admitted must never exceed the limit.
      expect(results.filter((r) => r.allowed).length * 3).toBeLessThanOrEqual(10)
      expect(await cache.get(`rl:${name}:multi`)).toBe('36')
    })

    it('reset forgets the key so it may call again at once', async () => {
      const limiter = createRateLimiter(cache, { name, limit: 1, windowMs: 10_000 })
      await limiter.consume('login:kim')
      expect((await limiter.consume('login:kim')).allowed).toBe(false)
      await limiter.reset('login:kim')
      expect(await limiter.consume('login:kim')).toMatchObject({ allowed: true, remaining: 0 })
    })
  })
})
