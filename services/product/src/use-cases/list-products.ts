import type { ProductList, ProductListQuery, ProductSort } from '@shop/contracts/product'
import type { EdgeCachePolicy } from '@shop/platform/edge-cache'
import { ValidationFailed } from '@shop/platform/errors'
import type { ProductContext } from '../context.ts'
import { subtreeIds } from '../data/category.repository.ts'
import { availableOf } from '../data/inventory.repository.ts'
import type { ProductCore } from '../data/product.repository.ts'
import { relevancePage } from '../data/relevance.repository.ts'
import { categoryFacets, listPage, type Page } from '../data/search.repository.ts'
import type { ListFilter } from '../data/search-sql.ts'
import { decodeCursor, encodeCursor, InvalidCursor, type SortKey } from '../domain/cursor.ts'
import { normaliseSearch } from '../domain/search-terms.ts'

// A listing filtered on stock may be cached no longer than stock itself.
const IN_STOCK_TTL_MS = 1000
// Stock in a listing is read by the request; a copy of it may be kept as long as a product read's stock.
const STOCK_MAX_AGE_MS = 1000

interface CachedPage {
  items: ProductCore[]
  nextCursor: string | null
  facets?: ProductList['facets']
}

/**
 * GET /products: search, filters, sort and keyset pages. Facets come with the first page
 * only (no cursor) and count at most SEARCH_WINDOW matches. Pages are cached per
 * catalogue generation; stock is always read fresh. The answer may be kept by the
 * gateway while the catalogue's token stands, for as long as its stock may be old
 * (not an inStock listing: which items it holds already depends on stock up to a second
 * old), and not when the cache is down.
 */
export async function listProducts(ctx: ProductContext, query: ProductListQuery): Promise<{ list: ProductList; edge?: EdgeCachePolicy }> {
  const search = normaliseSearch(query.q)
  const sort: ProductSort = query.sort === 'relevance' || !query.sort ? (search ? 'relevance' : 'newest') : query.sort
  if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice) {
    throw new ValidationFailed([{ path: 'minPrice', message: 'must not be greater than maxPrice' }])
  }
  let after: SortKey | null = null
  if (query.cursor) {
    try {
      after = decodeCursor(query.cursor, sort)
    } catch (err) {
      if (!(err instanceof InvalidCursor)) throw err
      throw new ValidationFailed([{ path: 'cursor', message: `is not a cursor of this listing (${err.message})` }])
    }
  }
  const request = {
    q: search?.text ?? null,
    category: query.category ?? null,
    minPrice: query.minPrice ?? null,
    maxPrice: query.maxPrice ?? null,
    inStock: query.inStock === true,
    sort,
    limit: query.limit,
    cursor: query.cursor ?? null,
  }
  const ttlMs = request.inStock ? IN_STOCK_TTL_MS : ctx.settings.LISTING_CACHE_TTL_SECONDS * 1000
  // A page loaded by this request brings its stock from the same query; a cached one
  // (or one another request of this process loaded) reads it now.
  let loadedStock: Map<string, number> | undefined
  const started = Date.now()
  const { page, generation } = await ctx.cache.listing<CachedPage>(request, ttlMs, async () => {
    const categoryIds = query.category ? await subtreeIds(ctx.pool, query.category) : null
    if (categoryIds?.length === 0) return { items: [], nextCursor: null, ...(after ? {} : { facets: { categories: [], exact: true } }) }
    const filter: ListFilter = {
      search,
      categoryIds,
      minPrice: query.minPrice,
      maxPrice: query.maxPrice,
      inStock: request.inStock,
    }
    const window = ctx.settings.SEARCH_WINDOW
    let result: Page
    let facets: Page['facets']
    if (sort === 'relevance' && search) {
      // The first relevance page counts its facets in the same walk.
      result = await relevancePage(ctx.pool, { ...filter, search }, { after, limit: query.limit, window })
      facets = result.facets
    } else {
      ;[result, facets] = await Promise.all([
        listPage(ctx.pool, filter, { sort: sort === 'relevance' ? 'newest' : sort, after, limit: query.limit }),
        after ? Promise.resolve(undefined) : categoryFacets(ctx.pool, filter, window),
      ])
    }
    const { rows, hasMore } = result
    loadedStock = new Map(rows.map((r) => [r.product.id, r.available]))
    const last = rows[rows.length - 1]
    return {
      items: rows.map((r) => r.product),
      nextCursor: hasMore && last ? encodeCursor(last.key) : null,
      ...(facets ? { facets } : {}),
    }
  })
  const stock = loadedStock ?? (await availableOf(ctx.pool, page.items.map((p) => p.id)))
  const list = { ...page, items: page.items.map((p) => ({ ...p, stock: { available: stock.get(p.id) ?? 0 } })) }
  if (generation === undefined || request.inStock) return { list }
  // Stock was read after `started`: a copy is allowed the rest of its second from then.
  const edge = { ttlMs: STOCK_MAX_AGE_MS - (Date.now() - started), validators: { [ctx.cache.catalogueTokenKey]: generation } }
  return { list, edge }
}
