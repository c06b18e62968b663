import type { Category } from '@shop/contracts/product'
import type { ProductContext } from '../context.ts'
import { listCategories as listRows } from '../data/category.repository.ts'

/** Every category (cached with the catalogue's listings, so a new one shows at once). */
export async function listCategories(ctx: ProductContext): Promise<{ items: Category[] }> {
  const items = await ctx.cache.listing({ categories: true }, ctx.settings.LISTING_CACHE_TTL_SECONDS * 1000, () =>
    listRows(ctx.pool),
  )
  return { items }
}
