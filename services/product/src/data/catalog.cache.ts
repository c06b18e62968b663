import { createHash, randomUUID } from 'node:crypto'
import type { Logger } from '@shop/platform/logger'
import type { Metrics } from '@shop/platform/metrics'
import type { EdgeCachePolicy } from '@shop/platform/edge-cache'
import type { Cache } from '@shop/platform/ports'
import { Counter } from 'prom-client'

/**
 * Read-through cache for product reads and listing pages, never stale after a write.
 *
 * Every product and the catalogue as a whole have a generation token
 * (`product:gen:p:<id>`, `product:gen:catalogue`). A cached value is stored with the
 * token it was loaded under (`<token>|<json>`) and is served only while that token is
 * still the current one. A write commits, then replaces the product's and the
 * catalogue's tokens before answering, so every read that starts after the write sees a
 * mismatch and loads again. A slow reader that loaded the old row before the write can
 * only store it with the old token, which nobody accepts any more (the race a plain
 * "delete the key" leaves open). Token and value come back in one MGET, so a cached
 * product read (token, product, stock) is one Redis round trip.
 * Stock is cached apart for one second; listings cache no stock at all.
 * A product read also says how the gateway may keep it (edge-cache.ts): valid while the
 * product's token and its stock entry are the ones read here, for as long as that entry
 * has left to live, so stock in an edge copy is no older than in a read answered here.
 * Concurrent misses on one key in this process share one load (keyed by the token they
 * saw, so a reader never joins a load that began before the write it has seen).
 * A cache that fails is treated as a miss: reads fall through to PostgreSQL.
 */

const GEN_TTL_MS = 24 * 3600_000
const STOCK_TTL_MS = 1000
/**
 * A stock entry with less than this left is read again: an edge copy lives only as long as
 * the entry it was built from, and copies of a few ms would send nearly every read through.
 */
const STOCK_REFRESH_BELOW_MS = 250
const PREFIX = 'product:'

export type CacheKind = 'product' | 'stock' | 'listing'

export interface CatalogCache {
  product<T>(id: string, load: () => Promise<T | null>): Promise<T | null>
  /** A product and its stock in one round trip; null when the product does not exist. */
  productWithStock<T>(
    id: string,
    loadProduct: () => Promise<T | null>,
    loadStock: () => Promise<number>,
    opts?: { freshStock?: boolean },
  ): Promise<{ product: T; available: number; edge?: EdgeCachePolicy } | null>
  /**
   * A listing page for the given (normalised) request; `ttlMs` bounds staleness of
   * stock-dependent filters. `generation` is the catalogue token the page is valid under
   * ('' when none was set yet), undefined when the cache could not be read.
   */
  listing<T>(request: unknown, ttlMs: number, load: () => Promise<T>): Promise<{ page: T; generation?: string }>
  /** The cache key of the catalogue's token (an edge copy of a listing names it as its validator). */
  readonly catalogueTokenKey: string
  /** After a product write has committed: its reads and every listing miss from now on. */
  productChanged(id: string): Promise<void>
  /** After a category write: every listing misses from now on. */
  catalogueChanged(): Promise<void>
  /** After an admin stock change: drop the one-second stock entry too. */
  stockChanged(id: string): Promise<void>
}

export interface CatalogCacheOptions {
  cache: Cache
  metrics: Metrics
  logger: Logger
  productTtlMs: number
}

function counter(metrics: Metrics, name: string, help: string): Counter<'cache'> {
  const existing = metrics.registry.getSingleMetric(name) as Counter<'cache'> | undefined
  return existing ?? new Counter({ name, help, labelNames: ['cache'] as const, registers: [metrics.registry] })
}

/** The catalogue cache over a Cache port, counting hits and misses on the service's metrics. */
export function createCatalogCache(opts: CatalogCacheOptions): CatalogCache {
  const { cache, logger } = opts
  const hits = counter(opts.metrics, 'product_cache_hits_total', 'Product service cache hits, by cache')
  const misses = counter(opts.metrics, 'product_cache_misses_total', 'Product service cache misses, by cache')
  let hitCount = 0
  let lookups = 0
  opts.metrics.gauge('product_cache_hit_ratio', 'Share of product service cache lookups answered from the cache', () =>
    lookups === 0 ? 0 : hitCount / lookups,
  )

  async function safeMget(keys: string[]): Promise<(string | null)[]> {
    try {
      return await cache.mget(keys)
    } catch (err) {
      logger.warn({ err, keys }, 'cache read failed; reading from the database')
      return keys.map(() => null)
    }
  }

  /** Like safeMget with each key's TTL; undefined when the cache failed (nothing known, not even absence). */
  async function safeMgetWithTtl(keys: string[]): Promise<{ value: string | null; ttlMs: number | null }[] | undefined> {
    try {
      return await cache.mgetWithTtl(keys)
    } catch (err) {
      logger.warn({ err, keys }, 'cache read failed; reading from the database')
      return undefined
    }
  }

  async function safeSet(key: string, value: string, ttlMs: number): Promise<void> {
    try {
      await cache.set(key, value, ttlMs)
    } catch (err) {
      logger.warn({ err, key }, 'cache write failed')
    }
  }

  const inFlight = new Map<string, Promise<unknown>>()

  /** One load per key (and token) at a time in this process; later callers share its result. */
  function shared<T>(flightKey: string, load: () => Promise<T>): Promise<T> {
    const running = inFlight.get(flightKey) as Promise<T> | undefined
    if (running) return running
    const p = load().finally(() => inFlight.delete(flightKey))
    inFlight.set(flightKey, p)
    return p
  }

  function hit(kind: CacheKind): void {
    lookups++
    hitCount++
    hits.inc({ cache: kind })
  }

  function miss(kind: CacheKind): void {
    lookups++
    misses.inc({ cache: kind })
  }

  /** The value stored under `key` when it was loaded under `gen`; undefined when absent or of another generation. */
  function current(stored: string | null, gen: string): string | undefined {
    if (stored === null) return undefined
    const bar = stored.indexOf('|')
    return bar > 0 && stored.slice(0, bar) === gen ? stored.slice(bar + 1) : undefined
  }

  /**
   * Answers from `stored` (read together with `gen`) or loads, and stores the loaded
   * value tagged with `gen`. Absence is not cached: a product created later must be
   * visible at once.
   */
  async function resolve<T>(kind: CacheKind, key: string, gen: string, stored: string | null, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const json = current(stored, gen)
    if (json !== undefined) {
      hit(kind)
      return JSON.parse(json) as T
    }
    miss(kind)
    return shared(`${key}\u0000${gen}`, async () => {
      const value = await load()
      if (value !== null && value !== undefined) await safeSet(key, `${gen}|${JSON.stringify(value)}`, ttlMs)
      return value
    })
  }

  /**
   * Stock: a plain one-second entry, no generation (an admin change deletes it).
   * Answers the level, how much longer it may be served (`ttlMs`, from the entry's TTL,
   * or the full second less the load's own time when just read) and the entry as stored.
   */
  async function resolveStock(
    id: string,
    stored: { value: string | null; ttlMs: number | null },
    load: () => Promise<number | null>,
  ): Promise<{ value: number | null; ttlMs: number; entry: string }> {
    if (stored.value !== null && (stored.ttlMs === null || stored.ttlMs >= STOCK_REFRESH_BELOW_MS)) {
      hit('stock')
      return { value: JSON.parse(stored.value) as number, ttlMs: stored.ttlMs ?? 0, entry: stored.value }
    }
    miss('stock')
    const key = stockKey(id)
    const started = Date.now()
    const value = await shared(key, async () => {
      const loaded = await load()
      if (loaded !== null) await safeSet(key, JSON.stringify(loaded), STOCK_TTL_MS)
      return loaded
    })
    return { value, ttlMs: Math.max(0, STOCK_TTL_MS - (Date.now() - started)), entry: value === null ? '' : JSON.stringify(value) }
  }

  async function bump(...keys: string[]): Promise<void> {
    try {
      await Promise.all(keys.map((k) => cache.set(k, randomUUID(), GEN_TTL_MS)))
    } catch (err) {
      // Reads may serve the old value until its TTL; nothing else can be done here.
      logger.error({ err, keys }, 'cache invalidation failed')
    }
  }

  const productGen = (id: string) => `${PREFIX}gen:p:${id}`
  const productKey = (id: string) => `${PREFIX}p:${id}`
  const stockKey = (id: string) => `${PREFIX}stock:${id}`
  const catalogueGen = `${PREFIX}gen:catalogue`

  return {
    async product(id, load) {
      const [gen, stored] = await safeMget([productGen(id), productKey(id)])
      return resolve('product', productKey(id), gen ?? '0', stored ?? null, opts.productTtlMs, load)
    },
    async productWithStock(id, loadProduct, loadStock, readOpts) {
      const read = await safeMgetWithTtl([productGen(id), productKey(id), stockKey(id)])
      const absent = { value: null, ttlMs: null }
      const [gen, stored, cachedStock] = read ?? [absent, absent, absent]
      // Asked for fresh stock (the gateway renewing its copy, or a client's no-cache): read it again.
      const stock = readOpts?.freshStock ? absent : cachedStock
      const product = await resolve('product', productKey(id), gen.value ?? '0', stored.value, opts.productTtlMs, loadProduct)
      if (product === null || product === undefined) return null
      const available = await resolveStock(id, stock, loadStock)
      // With the cache down the token is unknown: nothing could validate an edge copy.
      // The stock entry is a validator too: an admin stock change (which deletes it) shows at once there as well.
      const edge = read && { ttlMs: available.ttlMs, validators: { [productGen(id)]: gen.value ?? '', [stockKey(id)]: available.entry } }
      return { product, available: available.value ?? 0, edge }
    },
    async listing(request, ttlMs, load) {
      const hash = createHash('sha256').update(JSON.stringify(request)).digest('base64url').slice(0, 32)
      const key = `${PREFIX}list:${hash}`
      let read: (string | null)[] | undefined
      try {
        read = await cache.mget([catalogueGen, key])
      } catch (err) {
        logger.warn({ err, key }, 'cache read failed; reading from the database')
      }
      const [gen, stored] = read ?? [null, null]
      const page = await resolve('listing', key, gen ?? '0', stored ?? null, ttlMs, load)
      return read ? { page, generation: gen ?? '' } : { page }
    },
    catalogueTokenKey: catalogueGen,
    productChanged(id) {
      return bump(productGen(id), catalogueGen)
    },
    catalogueChanged() {
      return bump(catalogueGen)
    },
    async stockChanged(id) {
      try {
        await cache.del(stockKey(id))
      } catch (err) {
        logger.warn({ err, id }, 'cache invalidation failed')
      }
    },
  }
}
