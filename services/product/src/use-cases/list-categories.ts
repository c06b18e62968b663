import type { Category } from '@shop/contracts/product'
import type { EdgeCachePolicy } from '@shop/platform/edge-cache'
import type { ProductContext } from '../context.ts'
import { listCategories as listRows } from '../data/category.repository.ts'

/**
 * Every category (cached with the catalogue's listings, so a new one shows at once), and
 * how the gateway may keep the answer: while the catalogue's token stands (no stock in
 * it, so the listing cache's own lifetime bounds it).
 */
export async function listCategories(ctx: ProductContext): Promise<{ list: { items: Category[] }; edge?: EdgeCachePolicy }> {
  const ttlMs = ctx.settings.LISTING_CACHE_TTL_SECONDS * 1000
  const { page: items, generation } = await ctx.cache.listing({ categories: true }, ttlMs, () => listRows(ctx.pool))
  if (generation === undefined) return { list: { items } }
  return { list: { items }, edge: { ttlMs, validators: { [ctx.cache.catalogueTokenKey]: generation } } }
}
