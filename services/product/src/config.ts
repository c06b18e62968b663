import { type Static, Type } from '@sinclair/typebox'
import { Env } from '@shop/platform/config'

/** Settings of the product service beyond the shared ones (runtime.ts). */
export const ProductConfig = Type.Object({
  /** inventory.low is published when available stock falls below this. */
  INVENTORY_LOW_THRESHOLD: Env.int(5),
  /** Lifetime of a reservation the caller gives no ttlSeconds for: longer than the order's 15 min payment window. */
  RESERVATION_TTL_SECONDS: Env.int(1200, 1),
  /** How often the sweeper looks for expired reservations. */
  RESERVATION_SWEEP_INTERVAL_MS: Env.int(5000, 10),
  /** How long a product read stays cached (invalidated on every write regardless). */
  PRODUCT_CACHE_TTL_SECONDS: Env.int(300, 1),
  /**
   * Relevance ranks this many of the newest matches best-first (older matches follow
   * newest-first), and facets count over as many: the bound on rows one search page reads.
   */
  SEARCH_WINDOW: Env.int(1000, 1),
  /** How long a listing page stays cached (invalidated on every catalogue write regardless). */
  LISTING_CACHE_TTL_SECONDS: Env.int(30, 1),
})
export type ProductConfig = Static<typeof ProductConfig>
