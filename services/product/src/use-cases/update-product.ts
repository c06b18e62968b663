import type { Product, ProductUpdateBody } from '@shop/contracts/product'
import { withTransaction } from '@shop/platform/db'
import { ValidationFailed } from '@shop/platform/errors'
import type { ProductContext } from '../context.ts'
import { stockLevel } from '../data/inventory.repository.ts'
import { findProduct, updateProduct as updateRow } from '../data/product.repository.ts'
import { parseIfMatch } from '../domain/inventory-rules.ts'
import { changedFields, cleanText, productInputErrors } from '../domain/product-input.ts'
import { ProductNotFound, VersionMismatch } from '../product.errors.ts'
import { announceProductUpdate } from './low-stock.ts'
import { applyOnHand } from './set-stock.ts'

/**
 * Updates the given fields. With `If-Match: "<version>"` the update applies only to that
 * version (409 conflict otherwise); without If-Match it applies to whatever is current.
 * `stock` sets on hand, with the same rule as PUT /products/:id/stock.
 */
export async function updateProduct(ctx: ProductContext, id: string, input: ProductUpdateBody, ifMatch?: string): Promise<Product> {
  const expected = parseIfMatch(ifMatch)
  if (expected === null) throw new ValidationFailed([{ path: 'if-match', message: 'must be an ETag this service issued, like "3"' }])
  const clean = cleanText(input)
  const errors = productInputErrors(clean)
  if (errors.length) throw new ValidationFailed(errors)
  const { stock, ...fields } = clean

  const result = await withTransaction(ctx.pool, async (client) => {
    // Lock order, as on every path that touches both rows: inventory first, then the
    // product (a reservation that sells out locks its inventory row and then, through the
    // in_stock trigger, the product row; the reverse order here could deadlock with it).
    if (stock !== undefined) await stockLevel(client, id, { forUpdate: true })
    // The row lock makes the version check and the write one step.
    const current = await findProduct(client, id, { forUpdate: true })
    if (!current) throw new ProductNotFound(id)
    if (expected !== undefined && current.version !== expected) throw new VersionMismatch(id, current.version)
    const product = await updateRow(client, id, fields)
    if (!product) throw new ProductNotFound(id)
    const level =
      stock === undefined
        ? await stockLevel(client, id)
        : await applyOnHand(client, id, stock, ctx.settings.INVENTORY_LOW_THRESHOLD)
    await announceProductUpdate(client, id, changedFields(clean))
    return { product, available: level?.available ?? 0 }
  })
  ctx.eventsEnqueued()
  await ctx.cache.productChanged(id)
  if (stock !== undefined) await ctx.cache.stockChanged(id)
  return { ...result.product, stock: { available: result.available } }
}
