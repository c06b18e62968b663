import { createServer, connect, type Server, type Socket } from 'node:net'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { createRedisCache } from '../src/cache-redis.ts'
import { UpstreamUnavailable } from '../src/errors.ts'
import { eventually, serverAvailable, testRedisUrl, uniqueName } from '../src/testing.ts'

// What only the Redis adapter has: key prefixes and its behaviour while Redis is away.
// An outage is simulated with a TCP relay in front of the real server that we can cut
// and bring back; the shared Redis itself is never touched.
const redisOk = await serverAvailable('redis')
const prefix = `${uniqueName('cache_redis')}:`

interface Relay {
  port: number
  cut(): Promise<void>
  restore(): Promise<void>
  close(): Promise<void>
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port))
  })
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy()
  sockets.clear()
  return new Promise((resolve) => server.close(() => resolve()))
}

/** A TCP relay to the test Redis; cut() drops every connection and stops listening. */
async function startRelay(): Promise<Relay> {
  const target = new URL(testRedisUrl())
  const sockets = new Set<Socket>()
  const make = () =>
    createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname)
      for (const s of [client, upstream]) {
        sockets.add(s)
        s.on('error', () => {})
        s.on('close', () => {
          sockets.delete(s)
          client.destroy()
          upstream.destroy()
        })
      }
      client.pipe(upstream).pipe(client)
    })
  let server = make()
  const port = await listen(server)
  return {
    port,
    cut: () => closeServer(server, sockets),
    async restore() {
      server = make()
      await listen(server, port)
    },
    close: () => closeServer(server, sockets),
  }
}

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer()
  const port = await listen(server)
  await closeServer(server, new Set())
  return port
}

afterAll(async () => {
  if (!redisOk) return
  const raw = new Redis(testRedisUrl())
  const keys = await raw.keys(`${prefix}*`)
  if (keys.length) await raw.del(...keys)
  await raw.quit()
})

describe.runIf(redisOk)('Redis cache adapter', () => {
  it('keys live under the prefix, and caches with other prefixes do not see them', async () => {
    const a = createRedisCache({ url: testRedisUrl(), prefix: `${prefix}a:` })
    const b = createRedisCache({ url: testRedisUrl(), prefix: `${prefix}b:` })
    const raw = new Redis(testRedisUrl())
    try {
      await a.set('k', 'from-a', 10_000)
      await a.incr('n', 10_000)
      expect(await b.get('k')).toBeNull()
      expect((await b.incr('n', 10_000)).value).toBe(1)
      expect(await raw.get(`${prefix}a:k`)).toBe('from-a')
      expect(await raw.pttl(`${prefix}a:n`)).toBeGreaterThan(0)
    } finally {
      await Promise.all([a.close(), b.close(), raw.quit()])
    }
  })

  it('when nothing listens, commands fail at once with upstream_unavailable', async () => {
    const cache = createRedisCache({ url: `redis://127.0.0.1:${await closedPort()}`, connectTimeoutMs: 500 })
    try {
      const started = Date.now()
      const err = await cache.get('x').catch((e: unknown) => e)
      expect(err).toBeInstanceOf(UpstreamUnavailable)
      expect((err as UpstreamUnavailable).status).toBe(503)
      await expect(cache.ping()).rejects.toBeInstanceOf(UpstreamUnavailable)
      expect(Date.now() - started).toBeLessThan(1_500)
    } finally {
      await cache.close()
    }
  })

  it('when a server accepts but never answers, commands give up after the connect timeout', async () => {
    const sockets = new Set<Socket>()
    const silent = createServer((s) => {
      sockets.add(s)
      s.on('error', () => {})
    })
    const port = await listen(silent)
    const cache = createRedisCache({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 300 })
    try {
      const started = Date.now()
      await expect(cache.get('x')).rejects.toBeInstanceOf(UpstreamUnavailable)
      expect(Date.now() - started).toBeLessThan(1_500)
    } finally {
      await cache.close()
      await closeServer(silent, sockets)
    }
  })

  it('while Redis is away commands fail fast, and the client reconnects by itself when it returns', async () => {
    const relay = await startRelay()
    const cache = createRedisCache({ url: `redis://127.0.0.1:${relay.port}`, prefix, connectTimeoutMs: 500 })
    try {
      await cache.set('survivor', 'kept', 30_000)
      expect((await cache.incr('hits', 30_000)).value).toBe(1)

      await relay.cut()
      // The client notices the drop; from then on each command fails quickly.
      await eventually(async () => (await cache.ping().then(() => false, (e: unknown) => e instanceof UpstreamUnavailable)))
      const started = Date.now()
      await expect(cache.incr('hits', 30_000)).rejects.toBeInstanceOf(UpstreamUnavailable)
      await expect(cache.get('survivor')).rejects.toBeInstanceOf(UpstreamUnavailable)
      expect(Date.now() - started).toBeLessThan(1_500)

      await relay.restore()
      const back = await eventually(() => cache.get('survivor').catch(() => null), { timeoutMs: 10_000 })
      expect(back).toBe('kept')
      // The refused increment was not queued and replayed behind our back.
      expect((await cache.incr('hits', 30_000)).value).toBe(2)
    } finally {
      await cache.close()
      await relay.close()
    }
  })
})
