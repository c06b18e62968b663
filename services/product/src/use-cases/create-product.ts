import type { Product, ProductCreateBody } from '@shop/contracts/product'
import { withTransaction } from '@shop/platform/db'
import { ValidationFailed } from '@shop/platform/errors'
import type { ProductContext } from '../context.ts'
import { createInventory } from '../data/inventory.repository.ts'
import { insertProduct } from '../data/product.repository.ts'
import { changedFields, cleanText, productInputErrors } from '../domain/product-input.ts'
import { announceProductUpdate } from './low-stock.ts'

/** Creates a product with its inventory row (on hand = `stock`, default 0) and announces it. */
export async function createProduct(ctx: ProductContext, input: ProductCreateBody): Promise<Product> {
  const clean = cleanText(input)
  const errors = productInputErrors(clean)
  if (errors.length) throw new ValidationFailed(errors)
  const { product, available } = await withTransaction(ctx.pool, async (client) => {
    const product = await insertProduct(client, {
      sku: clean.sku,
      name: clean.name,
      description: clean.description,
      price: clean.price,
      categoryId: clean.categoryId,
      attributes: clean.attributes ?? {},
      images: clean.images ?? [],
    })
    const level = await createInventory(client, product.id, clean.stock ?? 0)
    await announceProductUpdate(client, product.id, changedFields(clean))
    return { product, available: level.available }
  })
  ctx.eventsEnqueued()
  await ctx.cache.productChanged(product.id)
  return { ...product, stock: { available } }
}
