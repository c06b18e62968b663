import type { Category, CategoryUpdateBody } from '@shop/contracts/product'
import { withTransaction } from '@shop/platform/db'
import { ValidationFailed } from '@shop/platform/errors'
import type { ProductContext } from '../context.ts'
import { updateCategory as update } from '../data/category.repository.ts'

/** Renames or moves a category (never under itself or its own sub-categories); every listing sees it at once. */
export async function updateCategory(ctx: ProductContext, id: string, input: CategoryUpdateBody): Promise<Category> {
  const name = input.name?.normalize('NFC').trim()
  if (input.name !== undefined && !name) throw new ValidationFailed([{ path: '/name', message: 'must not be blank' }])
  const category = await withTransaction(ctx.pool, (tx) => update(tx, id, { name, slug: input.slug, parentId: input.parentId }))
  await ctx.cache.catalogueChanged()
  return category
}
