import type { Cache } from './ports.ts'

/**
 * The in-process Cache adapter for embedded mode and single-replica runs. It keeps the
 * Redis adapter's semantics (a key past its expiry is gone on the very next read,
 * incr keeps the TTL started by its first increment) so code cannot tell them apart.
 */

export interface MemoryCacheOptions {
  /** How often expired keys are freed without being read (default 60 s). */
  sweepIntervalMs?: number
}

/** A Cache that also reports how many keys it holds (expired ones included until swept). */
export interface MemoryCache extends Cache {
  readonly size: number
}

interface Entry {
  value: string
  /** Epoch ms; null for no expiry. */
  expiresAt: number | null
}

function checkTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive number, got ${ttlMs}`)
  return Math.ceil(ttlMs)
}

/** Creates an in-process Cache; close() stops its sweep timer and drops every key. */
export function createMemoryCache(opts: MemoryCacheOptions = {}): MemoryCache {
  const entries = new Map<string, Entry>()
  let closed = false

  const sweep = setInterval(() => {
    const now = Date.now()
    for (const [key, entry] of entries) {
      if (entry.expiresAt !== null && entry.expiresAt <= now) entries.delete(key)
    }
  }, opts.sweepIntervalMs ?? 60_000)
  // The sweep only frees memory; it must never keep a process alive on its own.
  sweep.unref()

  const open = () => {
    if (closed) throw new Error('memory cache is closed')
  }

  const live = (key: string, now: number): Entry | undefined => {
    const entry = entries.get(key)
    if (!entry) return undefined
    if (entry.expiresAt !== null && entry.expiresAt <= now) {
      entries.delete(key)
      return undefined
    }
    return entry
  }

  // Every method is async so a throw surfaces as a rejection, as it does with Redis.
  return {
    get size() {
      return entries.size
    },

    async get(key) {
      open()
      return live(key, Date.now())?.value ?? null
    },

    async mget(keys) {
      open()
      const now = Date.now()
      return keys.map((key) => live(key, now)?.value ?? null)
    },

    async mgetWithTtl(keys) {
      open()
      const now = Date.now()
      return keys.map((key) => {
        const entry = live(key, now)
        if (!entry) return { value: null, ttlMs: null }
        return { value: entry.value, ttlMs: entry.expiresAt === null ? null : entry.expiresAt - now }
      })
    },

    async set(key, value, ttlMs) {
      open()
      const expiresAt = ttlMs === undefined ? null : Date.now() + checkTtl(ttlMs)
      entries.set(key, { value, expiresAt })
    },

    async setIfAbsent(key, value, ttlMs) {
      open()
      const ttl = checkTtl(ttlMs)
      const now = Date.now()
      if (live(key, now)) return false
      entries.set(key, { value, expiresAt: now + ttl })
      return true
    },

    async del(...keys) {
      open()
      for (const key of keys) entries.delete(key)
    },

    async incr(key, ttlMs) {
      open()
      const ttl = checkTtl(ttlMs)
      const now = Date.now()
      const entry = live(key, now)
      if (!entry) {
        entries.set(key, { value: '1', expiresAt: now + ttl })
        return { value: 1, ttlMs: ttl }
      }
      // Same rule as Redis INCR: only a base-10 integer string can be incremented.
      if (!/^-?\d+$/.test(entry.value)) throw new Error(`value at ${key} is not an integer`)
      const value = Number(entry.value) + 1
      entry.value = String(value)
      // A counter written by set() without a TTL gets one, as the Redis script does.
      if (entry.expiresAt === null) entry.expiresAt = now + ttl
      return { value, ttlMs: entry.expiresAt - now }
    },

    async ping() {
      open()
    },

    async close() {
      closed = true
      clearInterval(sweep)
      entries.clear()
    },
  }
}
