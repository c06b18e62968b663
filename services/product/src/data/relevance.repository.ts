import type { Queryable } from '@shop/platform/db'
import type { Position, SortKey } from '../domain/cursor.ts'
import type { SearchText } from '../domain/search-terms.ts'
import { toProductCore } from './product.repository.ts'
import type { Page, PageRow } from './search.repository.ts'
import {
  CREATED_KEY,
  type Facets,
  filterSql,
  LISTED_COLUMNS,
  type ListFilter,
  notOlderThan,
  olderThan,
  Params,
  SCORED_NAME,
  scoreSql,
  type SearchRow,
} from './search-sql.ts'

/**
 * Relevance order. Ranking every match of a broad term ("이어폰" matches 5% of a million
 * products) would read all of them for every page, so relevance ranks a window: the
 * newest `window` matches, best-first, then the older matches newest-first. The first
 * page fixes the window's oldest row and the cursor carries it, so every later page
 * ranks the same set and pages neither repeat nor skip while products are added.
 */

type RankedRow = SearchRow & { score: number }
type RelevanceKey = Extract<SortKey, { sort: 'relevance' }>

/** One relevance page; the first page (no cursor) also counts facets over the window. */
export async function relevancePage(
  db: Queryable,
  f: ListFilter & { search: SearchText },
  page: { after: SortKey | null; limit: number; window: number },
): Promise<Page> {
  const after = page.after?.sort === 'relevance' ? page.after : null
  let rows: PageRow[]
  let edge: Position | null
  let facets: Facets | undefined
  if (after) {
    edge = after.window
    rows = after.ranked ? await rankedAfter(db, f, edge, after, page.limit + 1) : []
  } else {
    ;({ rows, edge, facets } = await firstPage(db, f, page.window, page.limit + 1))
  }
  // The ranked window is used up: continue with older matches, newest-first.
  if (rows.length <= page.limit && edge) {
    const from = after && !after.ranked ? after : edge
    rows.push(...(await olderMatches(db, f, edge, from, page.limit + 1 - rows.length)))
  }
  return { rows: rows.slice(0, page.limit), hasMore: rows.length > page.limit, ...(facets ? { facets } : {}) }
}

const ranked = (r: RankedRow, window: Position | null): PageRow => ({
  product: toProductCore(r),
  key: { sort: 'relevance', window, ranked: true, score: r.score, createdAt: r.created_key, id: r.id },
  available: r.available,
})

/**
 * One walk over the newest matches gives the first page, the window's edge and the
 * facets: the window is materialised once, narrow (what ranking and facets need), and
 * only the page's rows are read in full.
 */
async function firstPage(
  db: Queryable,
  f: ListFilter & { search: SearchText },
  size: number,
  take: number,
): Promise<{ rows: PageRow[]; edge: Position | null; facets: Facets }> {
  const params = new Params()
  const where = filterSql(f, params)
  const score = scoreSql(f.search, params)
  const sizeParam = params.add(size)
  const { rows } = await db.query<RankedRow & { window_size: number; edge: Position | null; facets: Facets['categories'] }>(
    // w: the newest matches, narrow and scored, in one walk (for the common filters an
    // index-only walk of products_created_cover_idx, 0005); n numbers them newest-first,
    // so the window is n <= size and its edge is row n = size. Only the page's rows are
    // read in full.
    `WITH w AS MATERIALIZED (
       SELECT s.*, row_number() OVER (ORDER BY s.created_at DESC, s.id DESC) AS n FROM (
         SELECT p.id, p.created_at, p.category_id, ${score} AS score
         FROM products p ${SCORED_NAME} WHERE ${where} ORDER BY p.created_at DESC, p.id DESC LIMIT ${sizeParam} + 1) s),
     win AS (SELECT * FROM w WHERE n <= ${sizeParam}),
     top AS (SELECT id, score FROM win ORDER BY score DESC, created_at DESC, id DESC LIMIT ${params.add(take)}),
     meta AS (
       SELECT (SELECT count(*)::int FROM w) AS window_size,
              (SELECT json_build_object('createdAt', ${CREATED_KEY}, 'id', p.id) FROM w p WHERE p.n = ${sizeParam}) AS edge,
              (SELECT coalesce(json_agg(json_build_object('categoryId', category_id, 'count', n) ORDER BY n DESC, category_id), '[]')
               FROM (SELECT category_id, count(*)::int AS n FROM win GROUP BY category_id) c) AS facets)
     SELECT page.*, meta.* FROM meta
     LEFT JOIN LATERAL (
       SELECT ${LISTED_COLUMNS}, top.score FROM top JOIN products p ON p.id = top.id) page ON true
     ORDER BY page.score DESC, page.created_at DESC, page.id DESC`,
    params.values,
  )
  const meta = rows[0]
  // More matches than the window holds: the window ends at its oldest row; else every match is ranked.
  const edge = meta.window_size > size ? meta.edge : null
  return {
    rows: rows.filter((r) => r.id !== null).map((r) => ranked(r, edge)),
    edge,
    facets: { categories: meta.facets, exact: meta.window_size <= size },
  }
}

/** The next ranked rows inside the window (or among all matches when there is no edge). */
async function rankedAfter(db: Queryable, f: ListFilter & { search: SearchText }, edge: Position | null, after: RelevanceKey, take: number): Promise<PageRow[]> {
  const params = new Params()
  const where = [filterSql(f, params)]
  if (edge) where.push(notOlderThan(edge, params))
  const score = scoreSql(f.search, params)
  const { rows } = await db.query<RankedRow>(
    // The ranked set is bounded: the window (matches not older than its edge), or every
    // match when they all fit in one window. Scored in the walk; only the page's rows are
    // read in full.
    `WITH top AS (
       SELECT * FROM (
         SELECT p.id, p.created_at, ${score} AS score FROM products p ${SCORED_NAME} WHERE ${where.join(' AND ')}) s
       WHERE (s.score, s.created_at, s.id) < (${params.add(after.score)}, ${params.add(after.createdAt)}::timestamptz, ${params.add(after.id)}::uuid)
       ORDER BY s.score DESC, s.created_at DESC, s.id DESC LIMIT ${params.add(take)})
     SELECT ${LISTED_COLUMNS}, top.score FROM top JOIN products p ON p.id = top.id
     ORDER BY top.score DESC, p.created_at DESC, p.id DESC`,
    params.values,
  )
  return rows.map((r) => ranked(r, edge))
}

/** Matches older than `from` (itself at or past the window's edge), newest-first. */
async function olderMatches(db: Queryable, f: ListFilter, edge: Position, from: Position, take: number): Promise<PageRow[]> {
  const params = new Params()
  const { rows } = await db.query<SearchRow>(
    `SELECT ${LISTED_COLUMNS} FROM products p
     WHERE ${filterSql(f, params)} AND ${olderThan(from, params)}
     ORDER BY p.created_at DESC, p.id DESC LIMIT ${params.add(take)}`,
    params.values,
  )
  return rows.map((r) => ({
    product: toProductCore(r),
    key: { sort: 'relevance', window: edge, ranked: false, score: 0, createdAt: r.created_key, id: r.id },
    available: r.available,
  }))
}
