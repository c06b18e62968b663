import { randomUUID } from 'node:crypto'
import { Redis, type RedisOptions } from 'ioredis'

/**
 * A local copy of which Redis keys under one prefix exist, kept exact by Redis client-side
 * caching in broadcast mode: every write, expiry or deletion of such a key, by any client,
 * makes Redis push the key's name to this process, which then marks it present at once and
 * asks Redis whether it still exists. The token denylist is read on every authenticated
 * request by the gateway and every service; answered from memory, it costs no round trip.
 *
 * The copy is trusted only while Redis is known to be telling us about every write:
 * - both connections (the one tracking, the one receiving the pushes) are up, and a full
 *   SCAN made after tracking started has been loaded;
 * - a canary key this process rewrites every `canaryMs` came back as a push within
 *   `canaryMs`: a path that silently stopped delivering (a half-open connection, a
 *   lost redirect) is noticed within two canary periods.
 * Otherwise every question goes to `fallback` (a plain read from Redis, which fails closed
 * when Redis is down), and the copy is rebuilt from scratch as soon as it can be. A key
 * pushed while its refresh is under way is re-read, so the copy never settles on an answer
 * older than the last push. A push that names no key (FLUSHDB, FLUSHALL) rebuilds it all.
 */

export interface KeyMirror {
  /** Whether the key exists: from memory while the copy is exact, from `fallback` otherwise. */
  has(key: string): Promise<boolean>
  /** Whether answers come from memory right now (tests, /metrics). */
  exact(): boolean
  close(): Promise<void>
}

export interface KeyMirrorOptions {
  url: string
  /** The Redis cache's key prefix (e.g. 'shop:'), under which `prefix` lives. */
  keyPrefix?: string
  /** The mirrored keys' prefix, without keyPrefix, e.g. 'denylist:jti:'. */
  prefix: string
  /** Answers while the copy is not exact; `key` is without keyPrefix. */
  fallback: (key: string) => Promise<boolean>
  /** How often the canary is rewritten and must come back (default 1 s). */
  canaryMs?: number
  /** How long a Redis command may take before it counts as failed (default 2 s). */
  commandTimeoutMs?: number
  onError?: (err: unknown) => void
}

const INVALIDATE = '__redis__:invalidate'

export function createRedisKeyMirror(opts: KeyMirrorOptions): KeyMirror {
  const keyPrefix = opts.keyPrefix ?? ''
  const watched = keyPrefix + opts.prefix
  // The canary lives under its own tracked prefix, so it is never mistaken for a mirrored key.
  const canaryPrefix = `${keyPrefix}key-mirror-canary:`
  const canaryKey = `${canaryPrefix}${randomUUID()}`
  const canaryMs = opts.canaryMs ?? 1000
  const onError = opts.onError ?? (() => {})
  const connection: RedisOptions = {
    connectTimeout: 2000,
    commandTimeout: opts.commandTimeoutMs ?? 2000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResubscribe: false,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
  }
  const sub = new Redis(opts.url, connection)
  const ctl = new Redis(opts.url, connection)
  sub.on('error', () => {})
  ctl.on('error', () => {})

  let closed = false
  /** Bumped whenever the copy stops being trusted: a sync of an older generation is void. */
  let generation = 0
  let synced = -1
  const present = new Set<string>()
  /** Keys pushed while no copy was trusted yet (during a sync), or whose refresh is under way: their count of pushes. */
  const pushes = new Map<string, number>()
  let canarySentAt = 0
  let canarySeenAt = 0
  let syncing: Promise<void> | null = null
  /** Syncs that failed in a row, and the timer of the next try: a failing sync is retried after a pause, never at once. */
  let failures = 0
  let retry: NodeJS.Timeout | undefined
  /** The receiving connection's id, once it is subscribed (a subscribed connection cannot ask for it). */
  let subId: number | undefined

  const exact = () => !closed && synced === generation && Date.now() - canarySeenAt < 2 * canaryMs

  const distrust = () => {
    generation++
    scheduleSync()
  }

  sub.on('messageBuffer', (channel: Buffer, message: Buffer[] | Buffer | null) => {
    if (channel.toString() !== INVALIDATE) return
    if (message === null) return distrust()
    for (const raw of Array.isArray(message) ? message : [message]) pushed(raw.toString())
  })
  for (const c of [sub, ctl]) {
    c.on('close', () => {
      if (!closed) distrust()
    })
    c.on('ready', () => {
      if (c === sub) subId = undefined
      scheduleSync()
    })
  }

  function pushed(fullKey: string) {
    if (fullKey.startsWith(canaryPrefix)) {
      if (fullKey === canaryKey && canarySentAt > 0) canarySeenAt = Date.now()
      return
    }
    if (!fullKey.startsWith(watched)) return
    // Present until Redis says otherwise: a denylist only ever grows by a write, so this errs on the closed side.
    present.add(fullKey)
    pushes.set(fullKey, (pushes.get(fullKey) ?? 0) + 1)
    if (synced === generation) void refresh(fullKey)
  }

  /** Reads a pushed key until no push came in while the read was under way. */
  async function refresh(fullKey: string): Promise<void> {
    const gen = generation
    for (;;) {
      const seen = pushes.get(fullKey) ?? 0
      let exists: number
      try {
        exists = await ctl.exists(fullKey)
      } catch (err) {
        onError(err)
        if (gen === generation) distrust()
        return
      }
      if (gen !== generation) return
      if ((pushes.get(fullKey) ?? 0) !== seen) continue
      pushes.delete(fullKey)
      if (exists) present.add(fullKey)
      else present.delete(fullKey)
      return
    }
  }

  function scheduleSync() {
    if (closed || syncing || retry) return
    syncing = sync()
      .then(
        () => {
          failures = 0
        },
        (err: unknown) => {
          failures++
          onError(err)
        },
      )
      .finally(() => {
        syncing = null
        // Something changed while syncing (a drop, a flush) or it failed: go again once connected.
        // Always through a timer: a sync that fails without any I/O (a command refused by the
        // client itself) must not become a loop of microtasks that starves the event loop.
        if (closed || synced === generation || sub.status !== 'ready' || ctl.status !== 'ready') return
        const pauseMs = failures === 0 ? 0 : Math.min(50 * 2 ** (failures - 1), 2000)
        retry = setTimeout(() => {
          retry = undefined
          scheduleSync()
        }, pauseMs)
        retry.unref()
      })
  }

  async function sync(): Promise<void> {
    if (sub.status !== 'ready' || ctl.status !== 'ready') return
    const gen = generation
    present.clear()
    pushes.clear()
    if (subId === undefined) {
      try {
        const id = Number(await sub.client('ID'))
        await sub.subscribe(INVALIDATE)
        subId = id
      } catch (err) {
        // A SUBSCRIBE answered after its timeout still puts the connection in subscriber mode,
        // where CLIENT ID is refused: the receiving connection starts over from a clean one.
        sub.disconnect(true)
        throw err
      }
    }
    // Tracking first, then the scan: a write after this line is pushed, one before it is scanned.
    await ctl.client('TRACKING', 'OFF')
    await ctl.client('TRACKING', 'ON', 'REDIRECT', String(subId), 'BCAST', 'PREFIX', watched, 'PREFIX', canaryPrefix)
    const found: string[] = []
    let cursor = '0'
    do {
      const [next, keys] = await ctl.scan(cursor, 'MATCH', `${watched.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000)
      for (const k of keys) found.push(k)
      cursor = next
    } while (cursor !== '0')
    if (gen !== generation) return
    for (const k of found) present.add(k)
    await beat()
    if (gen !== generation) return
    synced = gen
    // Keys pushed during the scan were marked present; now read them for real.
    for (const k of [...pushes.keys()]) void refresh(k)
  }

  /** Rewrites the canary and waits (up to canaryMs) for its push. */
  async function beat(): Promise<void> {
    canarySentAt = Date.now()
    const before = canarySeenAt
    await ctl.set(canaryKey, String(canarySentAt), 'PX', 10 * canaryMs)
    const deadline = Date.now() + canaryMs
    while (canarySeenAt === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
  }

  const heartbeat = setInterval(() => {
    if (closed || synced !== generation || ctl.status !== 'ready') return
    canarySentAt = Date.now()
    ctl.set(canaryKey, String(canarySentAt), 'PX', 10 * canaryMs).catch((err: unknown) => onError(err))
    // A canary that did not come back within its period: the copy is rebuilt.
    if (Date.now() - canarySeenAt >= 2 * canaryMs) distrust()
  }, canaryMs)
  heartbeat.unref()

  return {
    async has(key) {
      const fullKey = keyPrefix + key
      if (exact() && !pushes.has(fullKey)) return present.has(fullKey)
      return opts.fallback(key)
    },
    exact,
    async close() {
      if (closed) return
      closed = true
      clearInterval(heartbeat)
      clearTimeout(retry)
      await Promise.all(
        [sub, ctl].map((c) => (c.status === 'ready' ? c.quit().then(() => undefined, () => c.disconnect()) : Promise.resolve(c.disconnect()))),
      )
    },
  }
}
