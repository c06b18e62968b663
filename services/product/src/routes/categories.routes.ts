import { Category, CategoryCreateBody, CategoryList, CategoryUpdateBody } from '@shop/contracts/product'
import { Type } from '@sinclair/typebox'
import { requireRole } from '@shop/platform/auth'
import { edgeCacheHeaders } from '@shop/platform/edge-cache'
import { type App, problemResponses } from '@shop/platform/server'
import type { ProductContext } from '../context.ts'
import { createCategory } from '../use-cases/create-category.ts'
import { listCategories } from '../use-cases/list-categories.ts'
import { updateCategory } from '../use-cases/update-category.ts'

const tags = ['catalogue']

/** Category tree: read by anyone, grown by admins. */
export function registerCategoryRoutes(app: App, ctx: ProductContext): void {
  app.get('/categories', { schema: { tags, response: { 200: CategoryList } } }, async (_req, reply) => {
    const { list, edge } = await listCategories(ctx)
    if (edge) reply.headers(edgeCacheHeaders(edge))
    return list
  })

  app.post(
    '/categories',
    {
      preHandler: requireRole('admin'),
      schema: { tags, body: CategoryCreateBody, response: { 201: Category, ...problemResponses(400, 401, 403, 409) } },
    },
    async (req, reply) => reply.code(201).send(await createCategory(ctx, req.body)),
  )

  app.put(
    '/categories/:id',
    {
      // before the body is validated: a customer learns nothing about what a valid edit looks like
      onRequest: requireRole('admin'),
      schema: {
        tags,
        summary: 'Rename a category or move it under another parent (null: the top level)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: CategoryUpdateBody,
        response: { 200: Category, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => updateCategory(ctx, req.params.id, req.body),
  )
}
