import type { Product } from '@shop/contracts/product'
import type { EdgeCachePolicy } from '@shop/platform/edge-cache'
import type { ProductContext } from '../context.ts'
import { stockLevel } from '../data/inventory.repository.ts'
import { findProduct } from '../data/product.repository.ts'
import { ProductNotFound } from '../product.errors.ts'

/**
 * A live product with its available stock (at most one second old, or read now with
 * freshStock), and how long the gateway may keep the answer (none when the cache is
 * down); 404 when unknown or deleted.
 */
export async function getProduct(
  ctx: ProductContext,
  id: string,
  opts: { freshStock?: boolean } = {},
): Promise<{ product: Product; edge?: EdgeCachePolicy }> {
  const found = await ctx.cache.productWithStock(
    id,
    () => findProduct(ctx.pool, id),
    async () => (await stockLevel(ctx.pool, id))?.available ?? 0,
    opts,
  )
  if (!found) throw new ProductNotFound(id)
  return { product: { ...found.product, stock: { available: found.available } }, edge: found.edge }
}
