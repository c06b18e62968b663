import type { ServiceDeps } from '@shop/platform/boot'
import { loadConfig } from '@shop/platform/config'
import type { Pool } from '@shop/platform/db'
import type { Logger } from '@shop/platform/logger'
import { ProductConfig } from './config.ts'
import { type CatalogCache, createCatalogCache } from './data/catalog.cache.ts'

/** What the product service's use cases, handlers and workers are given. */
export interface ProductContext {
  pool: Pool
  cache: CatalogCache
  settings: ProductConfig
  logger: Logger
  /** Asks the outbox relay for a pass after a transaction that enqueued events commits. */
  eventsEnqueued(): void
}

const contexts = new WeakMap<ServiceDeps, ProductContext>()

/** The context for a set of service deps: one per deps, so the app, consumers and workers share its cache and metrics. */
export function productContext(deps: ServiceDeps): ProductContext {
  let ctx = contexts.get(deps)
  if (!ctx) {
    const settings = loadConfig(ProductConfig, deps.rt.env)
    ctx = {
      pool: deps.pool,
      settings,
      logger: deps.rt.logger,
      cache: createCatalogCache({
        cache: deps.rt.cache,
        metrics: deps.metrics,
        logger: deps.rt.logger,
        productTtlMs: settings.PRODUCT_CACHE_TTL_SECONDS * 1000,
      }),
      eventsEnqueued: () => deps.relay.poke(),
    }
    contexts.set(deps, ctx)
  }
  return ctx
}
