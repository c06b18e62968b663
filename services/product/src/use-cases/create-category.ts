import type { Category, CategoryCreateBody } from '@shop/contracts/product'
import { ValidationFailed } from '@shop/platform/errors'
import type { ProductContext } from '../context.ts'
import { insertCategory } from '../data/category.repository.ts'

/** Creates a category under an existing parent (or at the top); slugs are unique. */
export async function createCategory(ctx: ProductContext, input: CategoryCreateBody): Promise<Category> {
  const name = input.name.normalize('NFC').trim()
  if (!name) throw new ValidationFailed([{ path: '/name', message: 'must not be blank' }])
  const category = await insertCategory(ctx.pool, { name, slug: input.slug, parentId: input.parentId ?? null })
  await ctx.cache.catalogueChanged()
  return category
}
