import { performance } from 'node:perf_hooks'
import type { IncomingHttpHeaders } from 'node:http'
import { EDGE_TTL_HEADER, EDGE_VALIDATORS_HEADER, readEdgeCachePolicy } from '@shop/platform/edge-cache'
import type { ValueMirror } from '@shop/platform/key-mirror'
import type { Metrics } from '@shop/platform/metrics'
import type { Cache } from '@shop/platform/ports'
import { Counter } from 'prom-client'

/**
 * The gateway's copy of public answers that a service allows it to keep
 * (@shop/platform/edge-cache): a hit costs no call to the service. A copy is served only
 * while its TTL lasts (measured from when the gateway asked, so never longer than the
 * service allowed) and while every cache key the service named still holds the value it
 * read; the check runs on every hit, against the shared cache, so every gateway replica
 * sees a write at once. With `validators` (distributed mode) the check reads a local copy
 * of those keys that Redis keeps exact by pushing every write to them (key-mirror.ts): no
 * round trip while the copy is trusted, the cache itself otherwise. Only requests that
 * carry no credentials and ask nothing conditional are answered or stored: what one
 * caller may see is never shown to another, and a client's own freshness demands (no-cache) go to the service.
 * While one request fetches a missing copy, others for the same URL wait for it and then
 * check the copy it left like any other: a write that finished while they waited still
 * makes them miss.
 */

export interface EdgeCacheOptions {
  cache: Cache
  /** A local copy of the validators' values; the copies held are watched in it. */
  validators?: Pick<ValueMirror, 'peek' | 'watch' | 'unwatch'>
  /** Copies kept at most (oldest dropped first); 0 turns the edge cache off. */
  maxEntries: number
  /**
   * Bytes of bodies kept at most (default 32 MiB), whatever the entry count: URLs are
   * the client's to choose, so many large answers must not fill the gateway's memory.
   */
  maxBytes?: number
  /** Larger answers are not kept (default 64 KiB). */
  maxBodyBytes?: number
  metrics?: Metrics
}

export interface EdgeCopy {
  status: number
  headers: Record<string, string | string[]>
  body: Buffer
}

interface Entry extends EdgeCopy {
  keys: string[]
  values: string[]
  expiresAt: number
  /** When it is due for a background refresh. */
  refreshAt: number
}

/**
 * How a request was answered: hit (a valid copy), coalesced (the copy another request's
 * call had just fetched, after waiting for it), miss (no copy), stale (a copy outlived by
 * a write or by its TTL), error (the cache failed, so no copy could be trusted).
 */
export type EdgeLookup = 'hit' | 'coalesced' | 'miss' | 'stale' | 'error'

/**
 * A copy past half its life is fetched again in the background by the request that finds
 * it (one fetch per URL at a time, asking the service for fresh data with
 * `cache-control: no-cache`), while the copy still answers: under steady load a popular
 * copy is replaced before it expires instead of stalling every request that arrives at
 * the moment it does (measured with 50 clients walking 100 products in step: requests
 * that had to wait for a fetch fell from 52,000 to 7,700 in 8 s; throughput did not
 * change, the machine's CPU is the limit). Each renewal costs one call to the service.
 */
const REFRESH_AFTER_SHARE = 0.5

export interface EdgeCache {
  /** The key a request is kept under, or undefined when it must go to the service. */
  keyFor(req: { method: string; url: string; headers: IncomingHttpHeaders }): string | undefined
  /** A copy still valid now (and whether it is due for a refresh), or why there is none; the copy is dropped when stale. */
  lookup(key: string): Promise<{ copy?: EdgeCopy; refreshDue?: boolean; result: EdgeLookup }>
  /** Counts one request's outcome (once per request, in /metrics). */
  record(result: EdgeLookup): void
  /**
   * Keeps an answer the service declared keepable; `askedAt` is performance.now() from
   * before the call. Returns whether it was kept.
   */
  store(key: string, askedAt: number, copy: EdgeCopy, upstreamHeaders: IncomingHttpHeaders): boolean
  /**
   * For a miss: either the call to the service already under way for `key` (a promise to
   * wait for, then look up again: the copy it leaves is checked like any other), or, when
   * none is, this caller's own call marked as under way (a function that ends the mark).
   * Decided synchronously, so of many concurrent misses exactly one calls the service
   * when a popular copy expires.
   */
  claimFill(key: string): Promise<void> | (() => void)
  /** The call to the service under way for `key` (a miss's or a renewal's), if any: a promise to wait for. */
  fillUnderWay(key: string): Promise<void> | undefined
  /**
   * What a copy held now depends on (its validators), until when it may be served and whether
   * it is due for renewal, with its body, read from memory: a page built from copies can be
   * kept under their combined conditions.
   */
  policyOf(key: string): { validators: Record<string, string>; expiresAt: number; refreshDue: boolean; body: Buffer } | undefined
}

/** Headers a copy never replays: they describe one answer, not the resource. */
const NOT_REPLAYED = new Set(['date', 'x-request-id', EDGE_TTL_HEADER, EDGE_VALIDATORS_HEADER])

/** Request headers that make an answer personal or conditional. */
const BYPASS_HEADERS = ['authorization', 'cookie', 'if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'range']

function noCache(value: string | string[] | undefined): boolean {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '')
  return /no-cache|no-store|max-age=0/i.test(text)
}

export function createEdgeCache(opts: EdgeCacheOptions): EdgeCache {
  const maxBytes = opts.maxBytes ?? 32 * 1024 * 1024
  const maxBodyBytes = Math.min(opts.maxBodyBytes ?? 64 * 1024, maxBytes)
  const entries = new Map<string, Entry>()
  let bytes = 0
  const validators = opts.validators
  const drop = (key: string, entry: Entry) => {
    if (entries.get(key) !== entry) return
    entries.delete(key)
    bytes -= entry.body.length
    validators?.unwatch(entry.keys)
  }
  const fills = new Map<string, Promise<void>>()
  const registry = opts.metrics?.registry
  const lookups = registry
    ? new Counter({
        name: 'gateway_edge_cache_lookups_total',
        help: 'Requests the edge cache could answer, by result (hit, coalesced: after waiting for a fetch under way, miss: no copy, stale: outlived by a write or its TTL, error: the cache failed)',
        labelNames: ['result'] as const,
        registers: [registry],
      })
    : undefined
  let hits = 0
  let total = 0
  opts.metrics?.gauge('gateway_edge_cache_hit_ratio', 'Share of cacheable requests answered from a copy (hit or coalesced)', () =>
    total === 0 ? 0 : hits / total,
  )
  opts.metrics?.gauge('gateway_edge_cache_entries', 'Copies the edge cache holds', () => entries.size)
  opts.metrics?.gauge('gateway_edge_cache_bytes', 'Bytes of answer bodies the edge cache holds', () => bytes)

  /** A copy whose validators read `current` now: served, or dropped as stale. */
  function judge(key: string, entry: Entry, current: (string | null)[]): { copy?: EdgeCopy; refreshDue?: boolean; result: EdgeLookup } {
    for (let i = 0; i < entry.keys.length; i++) {
      if ((current[i] ?? '') !== entry.values[i]) {
        drop(key, entry)
        return { result: 'stale' }
      }
    }
    // A copy stored while this one was being checked (a renewal that just landed) is the one to
    // renew next, not this one: deciding on the replaced copy would fetch the URL twice.
    const refreshDue = entries.get(key) === entry && performance.now() >= entry.refreshAt
    return { copy: entry, refreshDue, result: 'hit' }
  }

  return {
    keyFor(req) {
      if (opts.maxEntries <= 0 || req.method !== 'GET') return undefined
      const h = req.headers
      for (const name of BYPASS_HEADERS) if (h[name] !== undefined) return undefined
      if (noCache(h['cache-control']) || noCache(h.pragma)) return undefined
      return req.url
    },

    lookup(key) {
      const entry = entries.get(key)
      if (!entry) return Promise.resolve({ result: 'miss' as const })
      if (performance.now() >= entry.expiresAt) {
        drop(key, entry)
        return Promise.resolve({ result: 'stale' as const })
      }
      // From the local copy of the validators when it holds them all: no round trip.
      const known = validators?.peek(entry.keys)
      if (known) return Promise.resolve(judge(key, entry, known))
      return opts.cache.mget(entry.keys).then(
        (current) => judge(key, entry, current),
        // Nothing can vouch for the copy: the service answers (and reports the outage).
        () => ({ result: 'error' as const }),
      )
    },

    record(result) {
      total++
      if (result === 'hit' || result === 'coalesced') hits++
      lookups?.inc({ result })
    },

    claimFill(key) {
      const running = fills.get(key)
      if (running) return running
      let end!: () => void
      const fill = new Promise<void>((resolve) => (end = resolve))
      fills.set(key, fill)
      return () => {
        if (fills.get(key) === fill) fills.delete(key)
        end()
      }
    },

    fillUnderWay(key) {
      return fills.get(key)
    },

    policyOf(key) {
      const entry = entries.get(key)
      const now = performance.now()
      if (!entry || now >= entry.expiresAt) return undefined
      const validators: Record<string, string> = {}
      entry.keys.forEach((k, i) => (validators[k] = entry.values[i]))
      return { validators, expiresAt: entry.expiresAt, refreshDue: now >= entry.refreshAt, body: entry.body }
    },

    store(key, askedAt, copy, upstreamHeaders) {
      if (opts.maxEntries <= 0 || copy.status !== 200) return false
      const policy = readEdgeCachePolicy(upstreamHeaders)
      if (!policy || policy.ttlMs <= 0) return false
      if (copy.body.length > maxBodyBytes) return false
      if (upstreamHeaders['set-cookie'] !== undefined || upstreamHeaders.vary !== undefined) return false
      if (/private|no-store/i.test(String(upstreamHeaders['cache-control'] ?? ''))) return false
      const headers: Record<string, string | string[]> = {}
      for (const name in copy.headers) if (!NOT_REPLAYED.has(name)) headers[name] = copy.headers[name]
      const keys = Object.keys(policy.validators)
      const previous = entries.get(key)
      if (previous) drop(key, previous)
      while (entries.size >= opts.maxEntries || bytes + copy.body.length > maxBytes) {
        const oldest = entries.entries().next().value
        if (oldest === undefined) break
        drop(oldest[0], oldest[1])
      }
      bytes += copy.body.length
      validators?.watch(keys)
      entries.set(key, {
        status: copy.status,
        headers,
        body: copy.body,
        keys,
        values: keys.map((k) => policy.validators[k]),
        expiresAt: askedAt + policy.ttlMs,
        refreshAt: askedAt + policy.ttlMs * REFRESH_AFTER_SHARE,
      })
      return true
    },
  }
}
