import type { Queryable } from '@shop/platform/db'
import type { SortKey } from '../domain/cursor.ts'
import { type ProductCore, toProductCore } from './product.repository.ts'
import { type Facets, filterSql, type ListFilter, LISTED_COLUMNS, olderThan, Params, type SearchRow } from './search-sql.ts'

/**
 * Listing in newest or price order: keyset pages on the sort key + id, never OFFSET, each
 * served by a btree walk ((created_at, id), (price, id) or their per-category twins) that
 * stops after one page, or by the search indexes when the filter is narrow.
 */

export interface PageRow {
  product: ProductCore
  key: SortKey
  /** Units available when the page was read. */
  available: number
}

export interface Page {
  rows: PageRow[]
  hasMore: boolean
  /** Only the relevance first page computes facets along with the page. */
  facets?: Facets
}

/** How many matches facets count, and how many of the newest relevance ranks, by default. */
export const SEARCH_WINDOW = 1000

/** One page in newest, price_asc or price_desc order, and whether more follow. */
export async function listPage(
  db: Queryable,
  f: ListFilter,
  page: { sort: 'newest' | 'price_asc' | 'price_desc'; after: SortKey | null; limit: number },
): Promise<Page> {
  const { sort, after } = page
  const params = new Params()
  // Several categories (a sub-tree) without a search: each category's page comes from its
  // own (category_id, key) index and the pages are merged, so the cost is categories ×
  // limit rows whatever the categories' share of the catalogue.
  const perCategory = !f.search && f.categoryIds !== null && f.categoryIds.length > 1
  const where = filterSql(perCategory ? { ...f, categoryIds: null } : f, params)
  let keyset = ''
  let order: (alias: string) => string
  if (sort === 'newest') {
    if (after?.sort === 'newest') keyset = ` AND ${olderThan(after, params)}`
    order = (a) => `${a}.created_at DESC, ${a}.id DESC`
  } else {
    const op = sort === 'price_asc' ? '>' : '<'
    if (after?.sort === sort) keyset = ` AND (p.price, p.id) ${op} (${params.add(after.price)}::bigint, ${params.add(after.id)}::uuid)`
    order = (a) => (sort === 'price_asc' ? `${a}.price ASC, ${a}.id ASC` : `${a}.price DESC, ${a}.id DESC`)
  }
  const limit = params.add(page.limit + 1)
  const select = `SELECT ${LISTED_COLUMNS} FROM products p`
  const { rows } = await db.query<SearchRow>(
    perCategory
      ? `SELECT s.* FROM unnest(${params.add(f.categoryIds)}::uuid[]) AS c(id)
         CROSS JOIN LATERAL (${select} WHERE p.category_id = c.id AND ${where}${keyset} ORDER BY ${order('p')} LIMIT ${limit}) s
         ORDER BY ${order('s')} LIMIT ${limit}`
      : `${select} WHERE ${where}${keyset} ORDER BY ${order('p')} LIMIT ${limit}`,
    params.values,
  )
  return {
    hasMore: rows.length > page.limit,
    rows: rows.slice(0, page.limit).map((r) => ({
      product: toProductCore(r),
      key: sort === 'newest' ? { sort, createdAt: r.created_key, id: r.id } : { sort, price: r.price, id: r.id },
      available: r.available,
    })),
  }
}

/**
 * Products per category over at most `sample` matches. No order is asked for, so any
 * plan may stop at the sample: a broad filter stops early, a narrow one is counted exactly.
 */
export async function categoryFacets(db: Queryable, f: ListFilter, sample = SEARCH_WINDOW): Promise<Facets> {
  const params = new Params()
  const where = filterSql(f, params)
  const { rows } = await db.query<{ category_id: string; count: number; total: number }>(
    `SELECT category_id, count(*)::int AS count, max(total)::int AS total
     FROM (SELECT category_id, row_number() OVER () AS n, count(*) OVER () AS total
           FROM (SELECT p.category_id FROM products p WHERE ${where} LIMIT ${params.add(sample + 1)}) s) t
     WHERE n <= ${params.add(sample)}
     GROUP BY category_id ORDER BY count DESC, category_id`,
    params.values,
  )
  return {
    categories: rows.map((r) => ({ categoryId: r.category_id, count: r.count })),
    exact: (rows[0]?.total ?? 0) <= sample,
  }
}
