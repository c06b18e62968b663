import { createHash, randomUUID } from 'node:crypto'
import type { Logger } from '@shop/platform/logger'
import type { Metrics } from '@shop/platform/metrics'
import type { Cache } from '@shop/platform/ports'
import { Counter } from 'prom-client'

/**
 * Read-through cache for product reads and listing pages, never stale after a write.
 *
 * Keys carry a generation token: `product:p:<id>:<gen of id>` and
 * `product:list:<catalogue gen>:<hash>`. A write commits, then replaces the product's and
 * the catalogue's tokens before answering, so every read that starts after the write
 * looks under new keys and misses. A slow reader that loaded the old row before the write
 * can only store it under the old token, where nobody looks any more (the race a plain
 * "delete the key" leaves open). Tokens live far longer than any value they guard.
 * Stock is cached apart for one second; listings cache no stock at all.
 * A cache that fails is treated as a miss: reads fall through to PostgreSQL.
 */

const GEN_TTL_MS = 24 * 3600_000
const STOCK_TTL_MS = 1000
const PREFIX = 'product:'

export type CacheKind = 'product' | 'stock' | 'listing'

export interface CatalogCache {
  product<T>(id: string, load: () => Promise<T | null>): Promise<T | null>
  stock(id: string, load: () => Promise<number | null>): Promise<number | null>
  /** A listing page for the given (normalised) request; `ttlMs` bounds staleness of stock-dependent filters. */
  listing<T>(request: unknown, ttlMs: number, load: () => Promise<T>): Promise<T>
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

  async function safeGet(key: string): Promise<string | null> {
    try {
      return await cache.get(key)
    } catch (err) {
      logger.warn({ err, key }, 'cache read failed; reading from the database')
      return null
    }
  }

  async function safeSet(key: string, value: string, ttlMs: number): Promise<void> {
    try {
      await cache.set(key, value, ttlMs)
    } catch (err) {
      logger.warn({ err, key }, 'cache write failed')
    }
  }

  async function through<T>(kind: CacheKind, key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    lookups++
    const cached = await safeGet(key)
    if (cached !== null) {
      hitCount++
      hits.inc({ cache: kind })
      return JSON.parse(cached) as T
    }
    misses.inc({ cache: kind })
    const value = await load()
    // Absence is not cached: a product created later must be visible at once.
    if (value !== null && value !== undefined) await safeSet(key, JSON.stringify(value), ttlMs)
    return value
  }

  const generation = async (key: string): Promise<string> => (await safeGet(key)) ?? '0'

  async function bump(...keys: string[]): Promise<void> {
    try {
      await Promise.all(keys.map((k) => cache.set(k, randomUUID(), GEN_TTL_MS)))
    } catch (err) {
      // Reads may serve the old value until its TTL; nothing else can be done here.
      logger.error({ err, keys }, 'cache invalidation failed')
    }
  }

  const productGen = (id: string) => `${PREFIX}gen:p:${id}`
  const catalogueGen = `${PREFIX}gen:catalogue`

  return {
    async product(id, load) {
      const gen = await generation(productGen(id))
      return through('product', `${PREFIX}p:${id}:${gen}`, opts.productTtlMs, load)
    },
    stock(id, load) {
      return through('stock', `${PREFIX}stock:${id}`, STOCK_TTL_MS, load)
    },
    async listing(request, ttlMs, load) {
      const gen = await generation(catalogueGen)
      const hash = createHash('sha256').update(JSON.stringify(request)).digest('base64url').slice(0, 32)
      return through('listing', `${PREFIX}list:${gen}:${hash}`, ttlMs, load)
    },
    productChanged(id) {
      return bump(productGen(id), catalogueGen)
    },
    catalogueChanged() {
      return bump(catalogueGen)
    },
    async stockChanged(id) {
      try {
        await cache.del(`${PREFIX}stock:${id}`)
      } catch (err) {
        logger.warn({ err, id }, 'cache invalidation failed')
      }
    },
  }
}
