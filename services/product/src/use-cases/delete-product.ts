import { withTransaction } from '@shop/platform/db'
import type { ProductContext } from '../context.ts'
import { softDeleteProduct } from '../data/product.repository.ts'
import { ProductNotFound } from '../product.errors.ts'
import { announceProductUpdate } from './low-stock.ts'

/**
 * Soft-deletes a product: gone from reads and search at once, its sku free for a new
 * product. Reservations already holding it still commit or release normally.
 */
export async function deleteProduct(ctx: ProductContext, id: string): Promise<void> {
  await withTransaction(ctx.pool, async (client) => {
    if (!(await softDeleteProduct(client, id))) throw new ProductNotFound(id)
    await announceProductUpdate(client, id, ['deletedAt'])
  })
  ctx.eventsEnqueued()
  await ctx.cache.productChanged(id)
}
