import type { StockLevel } from '@shop/contracts/product'
import { type PoolClient, withTransaction } from '@shop/platform/db'
import type { ProductContext } from '../context.ts'
import { setOnHand, stockLevel } from '../data/inventory.repository.ts'
import { findProduct } from '../data/product.repository.ts'
import { ProductNotFound, StockBelowReserved } from '../product.errors.ts'
import { announceLowStock } from './low-stock.ts'

/** Sets on hand inside a transaction; refused (409) below what is reserved. */
export async function applyOnHand(client: PoolClient, productId: string, onHand: number, lowThreshold: number): Promise<StockLevel> {
  const before = await stockLevel(client, productId, { forUpdate: true })
  if (!before) throw new ProductNotFound(productId)
  const after = await setOnHand(client, productId, onHand)
  if (!after) throw new StockBelowReserved(productId, before.reserved)
  await announceLowStock(client, productId, before.available, after.available, lowThreshold)
  return after
}

/** PUT /products/:id/stock: the new level of a live product. */
export async function setStock(ctx: ProductContext, productId: string, onHand: number): Promise<StockLevel> {
  const level = await withTransaction(ctx.pool, async (client) => {
    if (!(await findProduct(client, productId))) throw new ProductNotFound(productId)
    return applyOnHand(client, productId, onHand, ctx.settings.INVENTORY_LOW_THRESHOLD)
  })
  ctx.eventsEnqueued()
  await ctx.cache.stockChanged(productId)
  return level
}
