import { containsPattern, isSubstringTerm, prefixQuery, type SearchText, wholeWordPattern } from '../domain/search-terms.ts'
import type { Position } from '../domain/cursor.ts'
import { PRODUCT_COLUMNS, type ProductRow } from './product.repository.ts'

/**
 * The SQL pieces listing and search share. Matching: a term of 3+ characters matches
 * anywhere in name or description (LIKE on the lower-cased search text, served by the
 * pg_trgm GIN index, so "이어폰" finds "무선이어폰"); a shorter term matches words that
 * start with it (full-text prefix on the 'simple' tsvector). Every term must match.
 */

export interface ListFilter {
  search: SearchText | null
  /** The category sub-tree to stay in; null for no category filter. */
  categoryIds: string[] | null
  minPrice?: number
  maxPrice?: number
  inStock: boolean
}

export interface CategoryCount {
  categoryId: string
  count: number
}

/** Counts per category over the newest matches; `exact` is false when there were more matches than counted. */
export interface Facets {
  categories: CategoryCount[]
  exact: boolean
}

/** A product row plus its exact (microsecond) creation time for cursors and its units available now. */
export type SearchRow = ProductRow & { created_key: string; available: number }

/** Positional parameters collected while SQL is built. */
export class Params {
  readonly values: unknown[] = []
  add(v: unknown): string {
    this.values.push(v)
    return `$${this.values.length}`
  }
}

/** The WHERE clause (products aliased `p`) for a filter. */
export function filterSql(f: ListFilter, params: Params): string {
  const where = ['p.deleted_at IS NULL']
  // One category as an equality: then its (category_id, sort key) indexes give the order too.
  if (f.categoryIds?.length === 1) where.push(`p.category_id = ${params.add(f.categoryIds[0])}::uuid`)
  else if (f.categoryIds) where.push(`p.category_id = ANY(${params.add(f.categoryIds)}::uuid[])`)
  if (f.minPrice !== undefined) where.push(`p.price >= ${params.add(f.minPrice)}`)
  if (f.maxPrice !== undefined) where.push(`p.price <= ${params.add(f.maxPrice)}`)
  // in_stock is (on_hand > reserved) of the product's inventory row, kept by triggers (0004).
  if (f.inStock) where.push('p.in_stock')
  for (const term of f.search?.terms ?? []) {
    where.push(
      isSubstringTerm(term)
        ? `p.search_text LIKE ${params.add(containsPattern(term))}`
        : `p.search_tsv @@ to_tsquery('simple', ${params.add(prefixQuery(term))})`,
    )
  }
  return where.join(' AND ')
}

/**
 * An integer relevance score (integers survive the cursor round trip exactly): the whole
 * query as the name or its beginning, each term inside the name, then every term as a
 * whole word anywhere.
 */
export function scoreSql(search: SearchText, params: Params): string {
  const name = 'nm.name'
  const parts = [
    `CASE WHEN ${name} = ${params.add(search.text)} THEN 100 ELSE 0 END`,
    `CASE WHEN ${name} LIKE ${params.add(containsPattern(search.text).slice(1))} THEN 50 ELSE 0 END`,
    ...search.terms.map((t) => `CASE WHEN ${name} LIKE ${params.add(containsPattern(t))} THEN 10 ELSE 0 END`),
    // Whole words on search_text rather than search_tsv: the covering index the ranked
    // walk reads holds name and search_text, so the score needs no table row.
    `CASE WHEN ${search.terms.map((t) => `p.search_text ~ ${params.add(wholeWordPattern(t))}`).join(' AND ')} THEN 5 ELSE 0 END`,
  ]
  return `(${parts.join(' + ')})`
}

/**
 * What scoreSql reads as `nm.name`: the product's (aliased `p`) name as search compares it,
 * lower(normalize(name, NFKC)), computed once per row (OFFSET 0 keeps the planner from
 * copying the expression into each part of the score) and skipping the costly normalize
 * for names already in NFKC (the quick check says so for almost every name).
 */
export const SCORED_NAME = `CROSS JOIN LATERAL (
  SELECT CASE WHEN p.name IS NFKC NORMALIZED THEN lower(p.name) ELSE lower(normalize(p.name, NFKC)) END AS name OFFSET 0) nm`

/** created_at as an exact UTC string: a rounded one in a cursor would skip or repeat rows. */
export const CREATED_KEY = `to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

/**
 * What a listing reads of each product it returns (aliased `p`): the product, its cursor
 * key and its stock, read in the same statement so a page loaded now needs no second
 * round trip for stock (no inventory row: nothing available).
 */
export const LISTED_COLUMNS = `${PRODUCT_COLUMNS}, ${CREATED_KEY} AS created_key,
  coalesce((SELECT i.on_hand - i.reserved FROM inventory i WHERE i.product_id = p.id), 0) AS available`

/** `(created_at, id)` strictly older than the position, in newest-first order. */
export const olderThan = (pos: Position, params: Params): string =>
  `(p.created_at, p.id) < (${params.add(pos.createdAt)}::timestamptz, ${params.add(pos.id)}::uuid)`

/** `(created_at, id)` at or newer than the position. */
export const notOlderThan = (pos: Position, params: Params): string =>
  `(p.created_at, p.id) >= (${params.add(pos.createdAt)}::timestamptz, ${params.add(pos.id)}::uuid)`
