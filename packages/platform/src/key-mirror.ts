import { randomUUID } from 'node:crypto'
import { Redis, type RedisOptions } from 'ioredis'

/**
 * Local copies of Redis keys, kept exact by Redis client-side caching in broadcast mode:
 * every write, expiry or deletion of a key under a tracked prefix, by any client, makes
 * Redis push the key's name to this process, which then stops trusting what it holds for
 * that key and reads it again. Two kinds of copy share one pair of connections:
 * - keys: which keys under a prefix exist (the token denylist, read on every authenticated
 *   request by the gateway and every service);
 * - values: the values of the keys someone watches (the validators of the gateway's edge
 *   copies, read on every hit).
 *
 * A copy is trusted only while Redis is known to be telling us about every write:
 * - both connections (the one tracking, the one receiving the pushes) are up, and the copy
 *   was loaded after tracking started;
 * - a canary key this process rewrites every `canaryMs` came back as a push within
 *   `canaryMs`: a path that silently stopped delivering (a half-open connection, a lost
 *   redirect) is noticed within two canary periods.
 * Otherwise every question goes to the copy's fallback (a plain read from Redis, which
 * fails when Redis is down), and the copies are rebuilt from scratch as soon as they can be.
 * A key pushed while its refresh is under way is read again, so a copy never settles on an
 * answer older than the last push. A push that names no key (FLUSHDB, FLUSHALL) rebuilds
 * everything. What a copy cannot see is a write whose push is still on its way: an answer
 * from memory is as old as the push's trip from Redis (well under a millisecond on a
 * working connection; a lost path is caught by the canary).
 */

export interface KeyMirror {
  /** Whether the key exists: from memory while the copy is exact, from `fallback` otherwise. */
  has(key: string): Promise<boolean>
  /** Whether answers come from memory right now (tests, /metrics). */
  exact(): boolean
}

export interface ValueMirror {
  /** The keys' values from memory, when the copy is exact and holds every one of them; otherwise undefined. */
  peek(keys: string[]): (string | null)[] | undefined
  /**
   * The keys' values (null: absent), from memory when the copy is exact and holds every one of
   * them, otherwise from `fallback` (all of them in one read).
   */
  mget(keys: string[]): Promise<(string | null)[]>
  /** Keep these keys' values from now on (each call is one holder; keys under no tracked prefix are ignored). */
  watch(keys: string[]): void
  /** One holder no longer needs these keys; a key nobody holds is forgotten. */
  unwatch(keys: string[]): void
  /** Whether answers can come from memory right now. */
  exact(): boolean
}

export interface RedisMirrorOptions {
  url: string
  /** The Redis cache's key prefix (e.g. 'shop:'), under which every copy's prefixes live. */
  keyPrefix?: string
  /** How often the canary is rewritten and must come back (default 1 s). */
  canaryMs?: number
  /** How long a Redis command may take before it counts as failed (default 2 s). */
  commandTimeoutMs?: number
  onError?: (err: unknown) => void
}

export interface RedisMirror {
  /** A copy of which keys under `prefix` (without keyPrefix) exist; `fallback` answers while it is not exact. */
  keys(opts: { prefix: string; fallback: (key: string) => Promise<boolean> }): KeyMirror
  /** A copy of the values of watched keys under `prefixes` (without keyPrefix); `fallback` answers while it cannot. */
  values(opts: { prefixes: string[]; fallback: (keys: string[]) => Promise<(string | null)[]> }): ValueMirror
  exact(): boolean
  close(): Promise<void>
}

export interface KeyMirrorOptions extends RedisMirrorOptions {
  /** The mirrored keys' prefix, without keyPrefix, e.g. 'denylist:jti:'. */
  prefix: string
  /** Answers while the copy is not exact; `key` is without keyPrefix. */
  fallback: (key: string) => Promise<boolean>
}

/** One key copy on connections of its own (a process that mirrors nothing else). */
export function createRedisKeyMirror(opts: KeyMirrorOptions): KeyMirror & { close(): Promise<void> } {
  const mirror = createRedisMirror(opts)
  const keys = mirror.keys({ prefix: opts.prefix, fallback: opts.fallback })
  return { has: keys.has, exact: keys.exact, close: () => mirror.close() }
}

/** What the core asks of a copy. Keys are full (keyPrefix included). */
interface Copy {
  prefixes: string[]
  /** Forget everything: pushes may have been missed. */
  reset(): void
  /** Fill the copy while tracking is on (writes from now on are pushed); `current()` is false once it is void. */
  load(current: () => boolean): Promise<void>
  /** The copy is trusted from now on: read again what was pushed while it loaded. */
  loaded(): void
  pushed(fullKey: string): void
}

const INVALIDATE = '__redis__:invalidate'

export function createRedisMirror(opts: RedisMirrorOptions): RedisMirror {
  const keyPrefix = opts.keyPrefix ?? ''
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

  const copies: Copy[] = []
  let closed = false
  /** Bumped whenever the copies stop being trusted: a sync of an older generation is void. */
  let generation = 0
  let synced = -1
  let canarySentAt = 0
  let canarySeenAt = 0
  let syncing: Promise<void> | null = null
  /** Syncs that failed in a row, and the timer of the next try: a failing sync is retried after a pause, never at once. */
  let failures = 0
  let retry: NodeJS.Timeout | undefined
  /** The receiving connection's id, once it is subscribed (a subscribed connection cannot ask for it). */
  let subId: number | undefined

  const exact = () => !closed && synced === generation && Date.now() - canarySeenAt < 2 * canaryMs
  const trusted = () => synced === generation

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
    for (const copy of copies) if (copy.prefixes.some((p) => fullKey.startsWith(p))) copy.pushed(fullKey)
  }

  /** Reads a pushed key until no push came in while the read was under way; `apply` gets the answer. */
  async function refresh<T>(key: string, pushes: Map<string, number>, read: () => Promise<T>, apply: (value: T) => void): Promise<void> {
    const gen = generation
    for (;;) {
      const seen = pushes.get(key) ?? 0
      let value: T
      try {
        value = await read()
      } catch (err) {
        onError(err)
        if (gen === generation) distrust()
        return
      }
      if (gen !== generation) return
      if ((pushes.get(key) ?? 0) !== seen) continue
      pushes.delete(key)
      apply(value)
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
    for (const copy of copies) copy.reset()
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
    // Tracking first, then the loads: a write after this line is pushed, one before it is read.
    const prefixes = [...new Set(copies.flatMap((c) => c.prefixes)), canaryPrefix].flatMap((p) => ['PREFIX', p])
    await ctl.client('TRACKING', 'OFF')
    await ctl.client('TRACKING', 'ON', 'REDIRECT', String(subId), 'BCAST', ...prefixes)
    const current = () => gen === generation
    for (const copy of copies) {
      await copy.load(current)
      if (!current()) return
    }
    await beat()
    if (!current()) return
    synced = gen
    for (const copy of copies) copy.loaded()
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
    // A canary that did not come back within its period: the copies are rebuilt.
    if (Date.now() - canarySeenAt >= 2 * canaryMs) distrust()
  }, canaryMs)
  heartbeat.unref()

  /** A copy added after tracking started needs its prefix tracked and itself loaded: everything starts over. */
  function add(copy: Copy) {
    copies.push(copy)
    if (synced >= 0 || syncing) distrust()
  }

  return {
    keys({ prefix, fallback }) {
      const watched = keyPrefix + prefix
      const present = new Set<string>()
      /** Keys pushed while the copy was loading, or whose refresh is under way: their count of pushes. */
      const pushes = new Map<string, number>()
      const refreshKey = (fullKey: string) =>
        void refresh(fullKey, pushes, async () => (await ctl.exists(fullKey)) === 1, (exists) => {
          if (exists) present.add(fullKey)
          else present.delete(fullKey)
        })
      add({
        prefixes: [watched],
        reset() {
          present.clear()
          pushes.clear()
        },
        async load(current) {
          const found: string[] = []
          let cursor = '0'
          do {
            const [next, keys] = await ctl.scan(cursor, 'MATCH', `${watched.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000)
            for (const k of keys) found.push(k)
            cursor = next
          } while (cursor !== '0' && current())
          if (current()) for (const k of found) present.add(k)
        },
        loaded() {
          // Keys pushed during the scan were marked present; now read them for real.
          for (const k of [...pushes.keys()]) refreshKey(k)
        },
        pushed(fullKey) {
          // Present until Redis says otherwise: a denylist only ever grows by a write, so this errs on the closed side.
          present.add(fullKey)
          pushes.set(fullKey, (pushes.get(fullKey) ?? 0) + 1)
          if (trusted()) refreshKey(fullKey)
        },
      })
      return {
        async has(key) {
          const fullKey = keyPrefix + key
          if (exact() && !pushes.has(fullKey)) return present.has(fullKey)
          return fallback(key)
        },
        exact,
      }
    },

    values({ prefixes, fallback }) {
      const tracked = prefixes.map((p) => keyPrefix + p)
      /**
       * Watched keys (without keyPrefix: a hit looks them up as the services name them): how many
       * hold each, and its value as last read, known only for the generation it was read in.
       */
      const entries = new Map<string, { holders: number; value: string | null; gen: number }>()
      /** Keys pushed while the copy was loading, or whose read is under way: their count of pushes. */
      const pushes = new Map<string, number>()
      const refreshKey = (key: string) => {
        // A key let go and watched again meanwhile is another entry: its pushes were not counted for this read.
        const entry = entries.get(key)
        void refresh(key, pushes, () => ctl.get(keyPrefix + key), (value) => {
          if (entry && entries.get(key) === entry) Object.assign(entry, { value, gen: generation })
        })
      }
      const needsRead = (key: string) => {
        const entry = entries.get(key)
        return entry !== undefined && (entry.gen !== generation || pushes.has(key))
      }
      /** The keys' values when every one is known now, else undefined. */
      const peek = (keys: string[]): (string | null)[] | undefined => {
        if (!exact()) return undefined
        const out: (string | null)[] = []
        for (const key of keys) {
          const entry = entries.get(key)
          if (!entry || entry.gen !== generation || pushes.has(key)) return undefined
          out.push(entry.value)
        }
        return out
      }
      add({
        prefixes: tracked,
        reset() {
          pushes.clear()
        },
        async load(current) {
          const keys = [...entries.keys()]
          for (let i = 0; i < keys.length && current(); i += 500) {
            const batch = keys.slice(i, i + 500)
            const held = batch.map((k) => entries.get(k))
            const values = await ctl.mget(batch.map((k) => keyPrefix + k))
            if (!current()) return
            batch.forEach((k, j) => {
              const entry = held[j]
              // pushed meanwhile (read again once trusted), or let go and watched again: not this read's
              if (entry && entries.get(k) === entry && !pushes.has(k)) Object.assign(entry, { value: values[j] ?? null, gen: generation })
            })
          }
        },
        loaded() {
          for (const k of entries.keys()) if (needsRead(k)) refreshKey(k)
        },
        pushed(fullKey) {
          const key = fullKey.slice(keyPrefix.length)
          const entry = entries.get(key)
          if (!entry) return
          entry.gen = -1
          pushes.set(key, (pushes.get(key) ?? 0) + 1)
          if (trusted()) refreshKey(key)
        },
      })
      return {
        peek,
        async mget(keys) {
          return peek(keys) ?? fallback(keys)
        },
        watch(keys) {
          for (const key of keys) {
            if (!tracked.some((p) => (keyPrefix + key).startsWith(p))) continue
            const entry = entries.get(key)
            if (entry) {
              entry.holders++
              continue
            }
            entries.set(key, { holders: 1, value: null, gen: -1 })
            if (trusted()) refreshKey(key)
          }
        },
        unwatch(keys) {
          for (const key of keys) {
            const entry = entries.get(key)
            if (!entry) continue
            if (--entry.holders > 0) continue
            entries.delete(key)
            pushes.delete(key)
          }
        },
        exact,
      }
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
