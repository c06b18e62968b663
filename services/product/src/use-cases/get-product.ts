import type { Product } from '@shop/contracts/product'
import type { ProductContext } from '../context.ts'
import { stockLevel } from '../data/inventory.repository.ts'
import { findProduct } from '../data/product.repository.ts'
import { ProductNotFound } from '../product.errors.ts'

/** A live product with its available stock (at most one second old); 404 when unknown or deleted. */
export async function getProduct(ctx: ProductContext, id: string): Promise<Product> {
  const found = await ctx.cache.productWithStock(
    id,
    () => findProduct(ctx.pool, id),
    async () => (await stockLevel(ctx.pool, id))?.available ?? 0,
  )
  if (!found) throw new ProductNotFound(id)
  return { ...found.product, stock: { available: found.available } }
}
