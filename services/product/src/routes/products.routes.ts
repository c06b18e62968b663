import {
  Product,
  ProductCreateBody,
  ProductList,
  ProductListQuery,
  ProductUpdateBody,
  StockBody,
  StockLevel,
  SuggestionList,
  SuggestQuery,
} from '@shop/contracts/product'
import { requireRole } from '@shop/platform/auth'
import { edgeCacheHeaders } from '@shop/platform/edge-cache'
import { type App, problemResponses } from '@shop/platform/server'
import { Type } from '@sinclair/typebox'
import type { ProductContext } from '../context.ts'
import { etagOf } from '../domain/inventory-rules.ts'
import { createProduct } from '../use-cases/create-product.ts'
import { deleteProduct } from '../use-cases/delete-product.ts'
import { getProduct } from '../use-cases/get-product.ts'
import { listProducts } from '../use-cases/list-products.ts'
import { setStock } from '../use-cases/set-stock.ts'
import { suggestProducts } from '../use-cases/suggest-products.ts'
import { updateProduct } from '../use-cases/update-product.ts'

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })
const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'ETag of the version being updated ("<version>"); without it the update applies to the current version' })),
})
const tags = ['catalogue']
const admin = { preHandler: requireRole('admin') }

/** Catalogue routes: listing and search for anyone, writes for admins. */
export function registerProductRoutes(app: App, ctx: ProductContext): void {
  app.get(
    '/products',
    { schema: { tags, querystring: ProductListQuery, response: { 200: ProductList, ...problemResponses(400) } } },
    async (req, reply) => {
      const { list, edge } = await listProducts(ctx, req.query)
      if (edge) reply.headers(edgeCacheHeaders(edge))
      return list
    },
  )

  app.get(
    '/products/suggest',
    {
      schema: {
        tags,
        summary: 'Suggestions as a shopper types: live products whose name contains q (1+ characters, Korean or English)',
        querystring: SuggestQuery,
        response: { 200: SuggestionList, ...problemResponses(400) },
      },
    },
    async (req) => suggestProducts(ctx, req.query.q, req.query.limit),
  )

  app.get(
    '/products/:id',
    { schema: { tags, params: IdParams, response: { 200: Product, ...problemResponses(400, 404) } } },
    async (req, reply) => {
      // `Cache-Control: no-cache` (the gateway renewing its copy, or a client) asks for stock read now.
      const freshStock = /no-cache|max-age=0/i.test(String(req.headers['cache-control'] ?? ''))
      const { product, edge } = await getProduct(ctx, req.params.id, { freshStock })
      if (edge) reply.headers(edgeCacheHeaders(edge))
      return reply.header('etag', etagOf(product.version)).send(product)
    },
  )

  app.post(
    '/products',
    { ...admin, schema: { tags, body: ProductCreateBody, response: { 201: Product, ...problemResponses(400, 401, 403, 409) } } },
    async (req, reply) => {
      const product = await createProduct(ctx, req.body)
      return reply.code(201).header('etag', etagOf(product.version)).header('location', `/products/${product.id}`).send(product)
    },
  )

  app.put(
    '/products/:id',
    {
      ...admin,
      schema: {
        tags,
        params: IdParams,
        headers: IfMatchHeaders,
        body: ProductUpdateBody,
        response: { 200: Product, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const product = await updateProduct(ctx, req.params.id, req.body, req.headers['if-match'])
      return reply.header('etag', etagOf(product.version)).send(product)
    },
  )

  app.delete(
    '/products/:id',
    { ...admin, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404) } } },
    async (req, reply) => {
      await deleteProduct(ctx, req.params.id)
      return reply.code(204).send(null)
    },
  )

  app.put(
    '/products/:id/stock',
    {
      ...admin,
      schema: { tags, params: IdParams, body: StockBody, response: { 200: StockLevel, ...problemResponses(400, 401, 403, 404, 409) } },
    },
    (req) => setStock(ctx, req.params.id, req.body.onHand),
  )
}
