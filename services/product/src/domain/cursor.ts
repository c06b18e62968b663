import type { ProductSort } from '@shop/contracts/product'
import { InvalidCursor, packCursor, unpackCursor } from '@shop/platform/cursor'

/**
 * Keyset cursors: the sort key of the last item of a page plus its id, as opaque
 * base64url JSON. The next page starts strictly after that key, so inserts and deletes
 * between pages never make an existing item repeat or disappear.
 */

/** A row's place in newest-first order. */
export interface Position {
  createdAt: string
  id: string
}

/**
 * The sort key of one row, in sort order; the id breaks ties. Relevance ranks a window
 * of the newest matches (those at or after `window`, fixed by the first page so later
 * pages rank the same set) best-first (`ranked`), then lists the older matches
 * newest-first. `window` null: every match is ranked.
 */
export type SortKey =
  | ({ sort: 'newest' } & Position)
  | { sort: 'price_asc' | 'price_desc'; price: number; id: string }
  | ({ sort: 'relevance'; window: Position | null; ranked: boolean; score: number } & Position)

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// The exact microsecond timestamp from PostgreSQL: a rounded one would skip or repeat rows.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/

export { InvalidCursor }

const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v)

/** The opaque cursor for a sort key. */
export function encodeCursor(key: SortKey): string {
  const values =
    key.sort === 'newest'
      ? [key.createdAt, key.id]
      : key.sort === 'relevance'
        ? [key.window?.createdAt ?? null, key.window?.id ?? null, key.ranked ? 1 : 0, key.score, key.createdAt, key.id]
        : [key.price, key.id]
  return packCursor({ s: key.sort, k: values })
}

/** The sort key inside a cursor; throws InvalidCursor when it is malformed or made for another sort. */
export function decodeCursor(cursor: string, sort: ProductSort): SortKey {
  const parsed = unpackCursor(cursor)
  const { s, k } = (parsed ?? {}) as { s?: unknown; k?: unknown }
  if (s !== sort) throw new InvalidCursor('made for another sort order')
  if (!Array.isArray(k)) throw new InvalidCursor('not a cursor')
  const id = k[k.length - 1]
  if (!isUuid(id)) throw new InvalidCursor('bad id')
  const isTimestamp = (v: unknown): v is string => typeof v === 'string' && TIMESTAMP.test(v)
  const isInt = (v: unknown): v is number => Number.isSafeInteger(v)
  if (sort === 'newest' && k.length === 2 && isTimestamp(k[0])) return { sort, createdAt: k[0], id }
  if ((sort === 'price_asc' || sort === 'price_desc') && k.length === 2 && isInt(k[0])) return { sort, price: k[0], id }
  if (sort === 'relevance' && k.length === 6 && (k[2] === 0 || k[2] === 1) && isInt(k[3]) && isTimestamp(k[4])) {
    const window = k[0] === null && k[1] === null ? null : isTimestamp(k[0]) && isUuid(k[1]) ? { createdAt: k[0], id: k[1] } : undefined
    if (window !== undefined) return { sort, window, ranked: k[2] === 1, score: k[3], createdAt: k[4], id }
  }
  throw new InvalidCursor('bad sort key')
}
