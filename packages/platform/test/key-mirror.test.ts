import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createRedisKeyMirror, type KeyMirror } from '../src/key-mirror.ts'
import { eventually, serverAvailable, testRedisUrl, uniqueName } from '../src/testing.ts'
import { startTcpProxy, type TcpProxy } from '../src/testing-proxy.ts'

// The denylist's local copy against the real Redis: what it must never do is answer "absent"
// for a key that exists. A relay in front of Redis can drop every connection (noticed at
// once) or silently stop passing Redis's answers on (noticed through the canary).
const redisOk = await serverAvailable('redis')
const keyPrefix = `${uniqueName('key_mirror')}:`
const direct = new Redis(testRedisUrl(), { keyPrefix })

const mirrors: KeyMirror[] = []
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
