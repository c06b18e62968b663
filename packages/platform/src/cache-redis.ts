import { Redis, ReplyError } from 'ioredis'
import { UpstreamUnavailable } from './errors.ts'
import type { Cache } from './ports.ts'

/**
 * The Redis Cache adapter. Connection policy, chosen so a Redis outage costs callers
 * a quick error rather than a hung request, and heals by itself:
 * - enableOfflineQueue: false — nothing is buffered while disconnected; a command
 *   either goes to a live connection or fails at once.
 * - Commands issued while a connection attempt is in flight (startup, a reconnect)
 *   wait for that attempt, bounded by connectTimeoutMs.
 * - maxRetriesPerRequest: 0 and no resend of unanswered commands — a command lost
 *   with its connection fails instead of being replayed later (a replayed INCR
 *   would count twice).
 * - commandTimeout bounds a server that accepts the connection but never answers.
 * - retryStrategy never gives up, so the client reconnects whenever Redis returns.
 * - No auto-pipelining: ioredis lets one auto-pipeline be in flight at a time, so
 *   under load every command waits for the previous batch's round trip; measured here
 *   it cost latency and gained no throughput. Callers that need several keys use mget.
 * - Reads (get, mget) issued during one turn of the event loop go out as one MGET, sent
 *   from setImmediate once the turn's I/O callbacks have run. Under load one turn starts
 *   many requests (each poll brings several sockets' data), and on a VM a socket write
 *   costs more than the reads it carries. Batches never wait for one another, and the
 *   wait is the rest of the current turn, not a timer.
 * Connection failures surface as UpstreamUnavailable('redis') (503); Redis reply
 * errors (wrong type, script errors) are rethrown as they are.
 */

export interface RedisCacheOptions {
  url: string
  /** Prepended to every key, e.g. 'shop:gateway:'. */
  prefix?: string
  /** Bound on one connection attempt and on a command's wait for it (default 2 s). */
  connectTimeoutMs?: number
  /** Bound on a command's reply once sent (default 2 s). */
  commandTimeoutMs?: number
}

// INCR and the first increment's TTL in one atomic step: a crash between the two
// can never leave a counter without expiry. PTTL < 0 also covers a key set without TTL.
const INCR_WITH_TTL = `
local value = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {value, ttl}
`

// Values and their PTTLs in one atomic step (a script runs alone), flattened as
// value, pttl, value, pttl... (PTTL: -2 absent, -1 no expiry).
const MGET_WITH_TTL = `
local out = {}
for i, key in ipairs(KEYS) do
  out[2 * i - 1] = redis.call('GET', key)
  out[2 * i] = redis.call('PTTL', key)
end
return out
`

interface ScriptCommands {
  shopIncrWithTtl(key: string, ttlMs: number): Promise<[number, number]>
  shopMgetWithTtl(numberOfKeys: number, ...keys: string[]): Promise<(string | number | null)[]>
}

const CONNECTING = new Set(['wait', 'connecting', 'connect'])

function checkTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive number, got ${ttlMs}`)
  return Math.ceil(ttlMs)
}

/** Creates a Cache backed by Redis (ioredis); fails fast while Redis is down and reconnects on its own. */
export function createRedisCache(opts: RedisCacheOptions): Cache {
  const connectTimeoutMs = opts.connectTimeoutMs ?? 2_000
  const client = new Redis(opts.url, {
    keyPrefix: opts.prefix ?? '',
    connectTimeout: connectTimeoutMs,
    commandTimeout: opts.commandTimeoutMs ?? 2_000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
  })
  client.defineCommand('shopIncrWithTtl', { numberOfKeys: 1, lua: INCR_WITH_TTL })
  client.defineCommand('shopMgetWithTtl', { lua: MGET_WITH_TTL })
  const scripts = client as unknown as ScriptCommands
  // Connection errors are reported through the commands that hit them; without a
  // listener ioredis would print every failed reconnect attempt.
  client.on('error', () => {})

  let closed = false
  let readyWait: Promise<void> | null = null

  const unavailable = (cause?: unknown) => Object.assign(new UpstreamUnavailable('redis'), { cause })

  async function connected(): Promise<void> {
    if (closed) throw new Error('redis cache is closed')
    if (client.status === 'ready') return
    if (!CONNECTING.has(client.status)) throw unavailable(new Error(`redis connection is ${client.status}`))
    // One shared pair of listeners however many commands are waiting; a failed
    // attempt fails the waiters at once instead of at the timeout.
    readyWait ??= new Promise<void>((resolve, reject) => {
      const settle = () => {
        readyWait = null
        client.off('ready', onReady)
        client.off('close', onClose)
      }
      const onReady = () => {
        settle()
        resolve()
      }
      const onClose = () => {
        settle()
        reject(unavailable(new Error('redis connection attempt failed')))
      }
      client.once('ready', onReady)
      client.once('close', onClose)
    })
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(unavailable(new Error('redis connection attempt timed out'))), connectTimeoutMs)
    })
    try {
      await Promise.race([readyWait, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  async function exec<T>(command: () => Promise<T>): Promise<T> {
    await connected()
    try {
      return await command()
    } catch (err) {
      if (err instanceof ReplyError) throw err
      throw unavailable(err)
    }
  }

  interface Waiter {
    start: number
    count: number
    resolve(values: (string | null)[]): void
    reject(err: unknown): void
  }
  let batch: { keys: string[]; waiters: Waiter[] } | null = null

  function flushReads(): void {
    const b = batch
    batch = null
    if (!b) return
    exec(() => client.mget(...b.keys)).then(
      (values) => {
        for (const w of b.waiters) w.resolve(values.slice(w.start, w.start + w.count))
      },
      (err: unknown) => {
        for (const w of b.waiters) w.reject(err)
      },
    )
  }

  function batchedMget(keys: string[]): Promise<(string | null)[]> {
    if (closed) return Promise.reject(new Error('redis cache is closed'))
    if (!batch) {
      batch = { keys: [], waiters: [] }
      setImmediate(flushReads)
    }
    const b = batch
    return new Promise((resolve, reject) => {
      b.waiters.push({ start: b.keys.length, count: keys.length, resolve, reject })
      for (const key of keys) b.keys.push(key)
    })
  }

  return {
    get: async (key) => (await batchedMget([key]))[0] ?? null,

    async mget(keys) {
      if (keys.length === 0) return []
      return batchedMget(keys)
    },

    async mgetWithTtl(keys) {
      if (keys.length === 0) return []
      const flat = await exec(() => scripts.shopMgetWithTtl(keys.length, ...keys))
      return keys.map((_, i) => {
        // A Lua false (GET of an absent key) comes back as null.
        const value = flat[2 * i]
        const ttl = Number(flat[2 * i + 1])
        return { value: typeof value === 'string' ? value : null, ttlMs: ttl >= 0 ? ttl : null }
      })
    },

    async set(key, value, ttlMs) {
      if (ttlMs === undefined) await exec(() => client.set(key, value))
      else {
        const ttl = checkTtl(ttlMs)
        await exec(() => client.set(key, value, 'PX', ttl))
      }
    },

    async setIfAbsent(key, value, ttlMs) {
      const ttl = checkTtl(ttlMs)
      return (await exec(() => client.set(key, value, 'PX', ttl, 'NX'))) === 'OK'
    },

    async del(...keys) {
      if (keys.length === 0) return
      await exec(() => client.del(...keys))
    },

    async incr(key, ttlMs) {
      const ttl = checkTtl(ttlMs)
      const [value, left] = await exec(() => scripts.shopIncrWithTtl(key, ttl))
      return { value: Number(value), ttlMs: Number(left) }
    },

    async ping() {
      await exec(() => client.ping())
    },

    async close() {
      if (closed) return
      closed = true
      if (client.status === 'ready') {
        await client.quit().catch(() => client.disconnect())
      } else {
        client.disconnect()
      }
    },
  }
}
