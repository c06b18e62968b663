import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createRedisKeyMirror, createRedisMirror, type ValueMirror } from '../src/key-mirror.ts'
import { eventually, serverAvailable, testRedisUrl, uniqueName } from '../src/testing.ts'
import { startTcpProxy, type TcpProxy } from '../src/testing-proxy.ts'

// The denylist's local copy against the real Redis: what it must never do is answer "absent"
// for a key that exists. A relay in front of Redis can drop every connection (noticed at
// once) or silently stop passing Redis's answers on (noticed through the canary).
const redisOk = await serverAvailable('redis')
const keyPrefix = `${uniqueName('key_mirror')}:`
const direct = new Redis(testRedisUrl(), { keyPrefix })

const mirrors: { close(): Promise<void> }[] = []
const relays: TcpProxy[] = []
const redisTarget = () => ({ host: new URL(testRedisUrl()).hostname, port: Number(new URL(testRedisUrl()).port || 6379) })

function mirrorOf(url: string, canaryMs = 1000) {
  const fallbackReads: string[] = []
  const mirror = createRedisKeyMirror({
    url,
    keyPrefix,
    prefix: 'deny:',
    canaryMs,
    fallback: async (key) => {
      fallbackReads.push(key)
      return (await direct.exists(key)) === 1
    },
  })
  mirrors.push(mirror)
  return { mirror, fallbackReads }
}

afterEach(async () => {
  await Promise.all(mirrors.splice(0).map((m) => m.close()))
  await Promise.all(relays.splice(0).map((r) => r.close()))
})

afterAll(async () => {
  const keys = await direct.keys(`${keyPrefix}*`)
  if (keys.length) await new Redis(testRedisUrl()).del(...keys)
  direct.disconnect()
})

describe.runIf(redisOk)('Redis key mirror (the denylist copy)', () => {
  it('answers from memory once synced: keys written before and after it started, deletions and expiries', async () => {
    await direct.set('deny:before', '1', 'PX', 60_000)
    const { mirror, fallbackReads } = mirrorOf(testRedisUrl())
    await eventually(() => expect(mirror.exact()).toBe(true))
    fallbackReads.length = 0

    expect(await mirror.has('deny:before')).toBe(true)
    expect(await mirror.has('deny:never')).toBe(false)

    await direct.set('deny:after', '1', 'PX', 60_000)
    await eventually(async () => expect(await mirror.has('deny:after')).toBe(true))
    await direct.set('deny:short', '1', 'PX', 150)
    await eventually(async () => expect(await mirror.has('deny:short')).toBe(true))
    await direct.del('deny:before')
    await eventually(async () => expect(await mirror.has('deny:before')).toBe(false))
    // Expired by Redis, which pushes the key's name when it deletes it.
    await eventually(async () => expect(await mirror.has('deny:short')).toBe(false), { timeoutMs: 5000 })
    // Keys outside the prefix are not its business, and nothing above needed a round trip.
    await direct.set('other:x', '1', 'PX', 60_000)
    expect(await mirror.has('deny:after')).toBe(true)
    expect(fallbackReads.filter((k) => !k.startsWith('deny:'))).toEqual([])
    expect(mirror.exact()).toBe(true)
  })

  it('a pushed key counts as present at once, before its refresh answers', async () => {
    const { mirror } = mirrorOf(testRedisUrl())
    await eventually(() => expect(mirror.exact()).toBe(true))
    // Two writes in a row: whatever the copy's refresh reads, the answer is never "absent".
    await direct.set('deny:race', '1', 'PX', 60_000)
    const answers: boolean[] = []
    const until = Date.now() + 200
    while (Date.now() < until) {
      answers.push(await mirror.has('deny:race'))
      await new Promise((r) => setImmediate(r))
    }
    // Once the first true is seen, no false follows.
    const first = answers.indexOf(true)
    expect(first).toBeGreaterThanOrEqual(0)
    expect(answers.slice(first).every(Boolean)).toBe(true)
  })

  it('asks Redis while its connections are down, and rebuilds the copy when they return', async () => {
    const relay = await startTcpProxy(redisTarget())
    relays.push(relay)
    const { mirror, fallbackReads } = mirrorOf(`redis://127.0.0.1:${relay.port}`)
    await eventually(() => expect(mirror.exact()).toBe(true))

    relay.cut()
    // The drop is noticed as soon as the sockets' close events are handled.
    await eventually(() => expect(mirror.exact()).toBe(false), { timeoutMs: 1000 })
    // Written while the copy heard nothing: the answer comes from Redis itself.
    await direct.set('deny:during-cut', '1', 'PX', 60_000)
    fallbackReads.length = 0
    expect(await mirror.has('deny:during-cut')).toBe(true)
    expect(fallbackReads).toEqual(['deny:during-cut'])

    relay.restore()
    await eventually(() => expect(mirror.exact()).toBe(true), { timeoutMs: 10_000 })
    fallbackReads.length = 0
    expect(await mirror.has('deny:during-cut')).toBe(true)
    expect(fallbackReads).toEqual([])
  })

  it('stops trusting itself when pushes silently stop arriving (the canary does not come back)', async () => {
    const relay = await startTcpProxy(redisTarget())
    relays.push(relay)
    const { mirror, fallbackReads } = mirrorOf(`redis://127.0.0.1:${relay.port}`, 200)
    await eventually(() => expect(mirror.exact()).toBe(true))

    relay.freeze()
    await direct.set('deny:unheard', '1', 'PX', 60_000)
    // Within two canary periods the copy is no longer used...
    await eventually(() => expect(mirror.exact()).toBe(false), { timeoutMs: 2000 })
    fallbackReads.length = 0
    // ...and the key the copy never heard of is answered by Redis.
    expect(await mirror.has('deny:unheard')).toBe(true)
    expect(fallbackReads).toEqual(['deny:unheard'])
  })

  it('a SUBSCRIBE answered after its timeout does not starve the event loop: the copy starts over and becomes exact', async () => {
    // Redis answers the receiving connection's first SUBSCRIBE after the client gave up on it.
    // That late answer still puts the connection in subscriber mode, where every other command
    // is refused at once, without I/O: a sync retried at once became a loop of microtasks that
    // held the process's event loop for good (a service that listened but never answered).
    let late = 0
    const relay = await startTcpProxy(redisTarget(), {
      holdTargetData: (chunk) => (chunk.includes('subscribe') && late++ === 0 ? 800 : 0),
    })
    relays.push(relay)
    const root = fileURLToPath(new URL('../../..', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/key-mirror-child.ts', import.meta.url))], {
      cwd: root,
      env: { ...process.env, MIRROR_REDIS_URL: `redis://127.0.0.1:${relay.port}`, MIRROR_KEY_PREFIX: keyPrefix },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    try {
      let out = ''
      child.stdout.on('data', (c: Buffer) => (out += c.toString()))
      const exactLines = () => out.split('\n').filter((l) => l === '{"exact":true}').length
      // Several lines after the copy became exact: its timers kept running all along.
      await eventually(() => expect(exactLines()).toBeGreaterThanOrEqual(5), { timeoutMs: 20_000 })
      expect(late).toBeGreaterThanOrEqual(1)
    } finally {
      child.kill('SIGKILL')
    }
  }, 30_000)
})

describe.runIf(redisOk)('Redis value mirror (the edge copies\' validators)', () => {
  /** Waits until the copy answers `keys` with `expected` without asking Redis. */
  async function fromMemory(values: ValueMirror, fallbackReads: string[][], keys: string[], expected: (string | null)[], timeoutMs = 10_000) {
    await eventually(async () => {
      fallbackReads.length = 0
      expect(await values.mget(keys)).toEqual(expected)
      expect(fallbackReads).toEqual([])
      return true
    }, { timeoutMs })
  }

  function valuesOf(url: string, canaryMs = 1000) {
    const fallbackReads: string[][] = []
    const mirror = createRedisMirror({ url, keyPrefix, canaryMs })
    mirrors.push(mirror)
    const values = mirror.values({
      prefixes: ['gen:', 'stock:'],
      fallback: async (keys) => {
        fallbackReads.push(keys)
        return direct.mget(keys)
      },
    })
    return { mirror, values, fallbackReads }
  }

  it('answers watched keys from memory once read, sees every later write, expiry and deletion, and asks Redis for the rest', async () => {
    await direct.set('gen:a', 'a1', 'PX', 60_000)
    const { values, fallbackReads } = valuesOf(testRedisUrl())
    values.watch(['gen:a', 'gen:absent', 'elsewhere:x'])
    await fromMemory(values, fallbackReads, ['gen:a', 'gen:absent'], ['a1', null])
    await direct.set('gen:a', 'a2', 'PX', 60_000)
    await eventually(async () => expect(await values.mget(['gen:a'])).toEqual(['a2']))
    await direct.set('gen:absent', 'now', 'PX', 150)
    await eventually(async () => expect(await values.mget(['gen:absent'])).toEqual(['now']))
    await eventually(async () => expect(await values.mget(['gen:absent'])).toEqual([null]), { timeoutMs: 5000 })
    await direct.del('gen:a')
    await eventually(async () => expect(await values.mget(['gen:a'])).toEqual([null]))
    fallbackReads.length = 0
    // Not watched, or under no tracked prefix: Redis answers, for the whole question.
    expect(await values.mget(['gen:a', 'gen:unwatched'])).toEqual([null, null])
    expect(await values.mget(['elsewhere:x'])).toEqual([null])
    expect(fallbackReads).toEqual([['gen:a', 'gen:unwatched'], ['elsewhere:x']])
  })

  it('a value written right after a key is watched is never missed, whatever order the read and the push come in', async () => {
    const { values } = valuesOf(testRedisUrl())
    await eventually(() => expect(values.exact()).toBe(true))
    for (let i = 0; i < 20; i++) {
      const key = `stock:race-${i}`
      await direct.set(key, 'old', 'PX', 60_000)
      values.watch([key])
      await direct.set(key, 'new', 'PX', 60_000)
      await eventually(async () => expect(await values.mget([key])).toEqual(['new']))
    }
  })

  it('forgets a key once its last holder lets it go', async () => {
    await direct.set('gen:held', 'h1', 'PX', 60_000)
    const { values, fallbackReads } = valuesOf(testRedisUrl())
    values.watch(['gen:held'])
    values.watch(['gen:held'])
    await fromMemory(values, fallbackReads, ['gen:held'], ['h1'])
    values.unwatch(['gen:held'])
    expect(await values.mget(['gen:held'])).toEqual(['h1'])
    expect(fallbackReads).toEqual([])
    values.unwatch(['gen:held'])
    expect(await values.mget(['gen:held'])).toEqual(['h1'])
    expect(fallbackReads).toEqual([['gen:held']])
  })

  it('asks Redis while its connections are down, and holds current values again once they return', async () => {
    await direct.set('gen:cut', 'c1', 'PX', 60_000)
    const relay = await startTcpProxy(redisTarget())
    relays.push(relay)
    const { values, fallbackReads } = valuesOf(`redis://127.0.0.1:${relay.port}`)
    values.watch(['gen:cut'])
    await fromMemory(values, fallbackReads, ['gen:cut'], ['c1'])
    relay.cut()
    await eventually(() => expect(values.exact()).toBe(false), { timeoutMs: 1000 })
    // Written while the copy heard nothing: Redis answers.
    await direct.set('gen:cut', 'c2', 'PX', 60_000)
    fallbackReads.length = 0
    expect(await values.mget(['gen:cut'])).toEqual(['c2'])
    expect(fallbackReads).toEqual([['gen:cut']])
    relay.restore()
    await fromMemory(values, fallbackReads, ['gen:cut'], ['c2'])
  })

  it('stops answering from memory when pushes silently stop arriving', async () => {
    await direct.set('gen:frozen', 'f1', 'PX', 60_000)
    const relay = await startTcpProxy(redisTarget())
    relays.push(relay)
    const { values, fallbackReads } = valuesOf(`redis://127.0.0.1:${relay.port}`, 200)
    values.watch(['gen:frozen'])
    await fromMemory(values, fallbackReads, ['gen:frozen'], ['f1'])
    relay.freeze()
    await direct.set('gen:frozen', 'f2', 'PX', 60_000)
    await eventually(() => expect(values.exact()).toBe(false), { timeoutMs: 2000 })
    fallbackReads.length = 0
    expect(await values.mget(['gen:frozen'])).toEqual(['f2'])
    expect(fallbackReads).toEqual([['gen:frozen']])
  })

  it('a copy added after the mirror is running gets its prefix tracked too: both copies answer from memory', async () => {
    await direct.set('deny:shared', '1', 'PX', 60_000)
    await direct.set('gen:shared', 's1', 'PX', 60_000)
    const mirror = createRedisMirror({ url: testRedisUrl(), keyPrefix })
    mirrors.push(mirror)
    const denyReads: string[] = []
    const keys = mirror.keys({ prefix: 'deny:', fallback: async (k) => (denyReads.push(k), (await direct.exists(k)) === 1) })
    await eventually(() => expect(mirror.exact()).toBe(true))
    const valueReads: string[][] = []
    const values = mirror.values({ prefixes: ['gen:'], fallback: (k) => (valueReads.push(k), direct.mget(k)) })
    values.watch(['gen:shared'])
    await eventually(async () => {
      valueReads.length = 0
      expect(await values.mget(['gen:shared'])).toEqual(['s1'])
      expect(valueReads).toEqual([])
      return true
    })
    // A write to the later copy's prefix is pushed: its prefix was tracked when it was added.
    await direct.set('gen:shared', 's2', 'PX', 60_000)
    await eventually(async () => {
      valueReads.length = 0
      expect(await values.mget(['gen:shared'])).toEqual(['s2'])
      expect(valueReads).toEqual([])
      return true
    })
    denyReads.length = 0
    expect(await keys.has('deny:shared')).toBe(true)
    expect(await keys.has('deny:nobody')).toBe(false)
    expect(denyReads).toEqual([])
  })
})
