import { RateLimited } from './errors.ts'
import type { Cache } from './ports.ts'

/**
 * Rate limiting on the Cache port, as a FIXED window that opens at a key's first hit
 * and lasts windowMs (the counter's TTL, started by its first incr).
 *
 * Why fixed rather than a two-window sliding approximation: the decision rests on one
 * atomic incr, so under any concurrency exactly `limit` units pass per window and the
 * retry-after is exact (the counter's remaining TTL). A sliding estimate needs a
 * second read that is not atomic with the increment and can only guess when a caller
 * may retry. The price is the known fixed-window burst: up to 2 × limit across the
 * edge of two windows, acceptable for abuse protection (logins, API quotas).
 */

export interface RateLimiterOptions {
  /** Namespace of the counters, e.g. 'login' or 'api'. */
  name: string
  /** Units allowed per window; 0 turns the limiter off. */
  limit: number
  windowMs: number
}

export interface RateLimitResult {
  allowed: boolean
  /** Units left in the current window (Infinity when the limiter is off). */
  remaining: number
  /** 0 when allowed; otherwise ms until the window closes. */
  retryAfterMs: number
}

export interface RateLimiter {
  readonly limit: number
  readonly windowMs: number
  consume(key: string, cost?: number): Promise<RateLimitResult>
  /** Forgets the key's counter, e.g. after a successful login. */
  reset(key: string): Promise<void>
}

/** A fixed-window limiter over the given cache; `limit: 0` allows everything without touching the cache. */
export function createRateLimiter(cache: Cache, opts: RateLimiterOptions): RateLimiter {
  const { name, limit, windowMs } = opts
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be an integer >= 0, got ${limit}`)
  if (!Number.isInteger(windowMs) || windowMs <= 0) throw new RangeError(`windowMs must be a positive integer, got ${windowMs}`)
  const counter = (key: string) => `rl:${name}:${key}`

  return {
    limit,
    windowMs,

    async consume(key, cost = 1) {
      if (!Number.isInteger(cost) || cost < 1) throw new RangeError(`cost must be a positive integer, got ${cost}`)
      if (limit === 0) return { allowed: true, remaining: Number.POSITIVE_INFINITY, retryAfterMs: 0 }
      // The port increments by one; each unit gets its own counter value, so a request
      // passes only when its last unit is within the limit and the total admitted per
      // window never exceeds it. The cost of one call per unit: multi-unit requests
      // racing on one key interleave their units and may all be refused.
      let last = { value: 0, ttlMs: windowMs }
      for (let i = 0; i < cost; i++) last = await cache.incr(counter(key), windowMs)
      const allowed = last.value <= limit
      return {
        allowed,
        remaining: Math.max(0, limit - last.value),
        retryAfterMs: allowed ? 0 : Math.max(1, last.ttlMs),
      }
    },

    async reset(key) {
      await cache.del(counter(key))
    },
  }
}

/** Consumes from the limiter and throws RateLimited (429 with Retry-After) when refused. */
export async function enforce(limiter: RateLimiter, key: string, cost = 1): Promise<RateLimitResult> {
  const result = await limiter.consume(key, cost)
  if (!result.allowed) throw new RateLimited(result.retryAfterMs / 1000)
  return result
}
