import { prepared, type Queryable } from '@shop/platform/db'

/** Product names for search suggestions (0006_suggest.sql): SQL in, plain rows out. */

export interface SuggestionRow {
  id: string
  name: string
  price: number
  image: string | null
}

/**
 * How many of the newest products a 1- or 2-character suggestion looks through at most:
 * too short for trigrams, it walks products_suggest_newest_idx and stops at the first
 * matches, so a rare pair of characters costs a bounded scan, never the whole catalogue.
 */
export const SHORT_QUERY_WINDOW = 5_000

// 3+ characters: the trigram index finds the names that contain the text.
const CONTAINING = prepared(`
  SELECT id, name, price, images[1] AS image FROM products
   WHERE deleted_at IS NULL AND suggest_text LIKE $1
   LIMIT $2`)

// Fewer: the newest names first, from the covering index, until enough match.
const SHORT = prepared(`
  SELECT p.id, p.name, p.price, p.images[1] AS image
    FROM (SELECT id, suggest_text FROM products WHERE deleted_at IS NULL
           ORDER BY created_at DESC, id DESC LIMIT ${SHORT_QUERY_WINDOW}) w
    JOIN products p ON p.id = w.id
   WHERE w.suggest_text LIKE $1
   LIMIT $2`)

/** Up to `limit` live products whose folded name contains `pattern`'s text (`pattern` is a LIKE pattern). */
export async function suggestProducts(q: Queryable, pattern: string, chars: number, limit: number): Promise<SuggestionRow[]> {
  const { rows } = await q.query<SuggestionRow>((chars >= 3 ? CONTAINING : SHORT)([pattern, limit]))
  return rows
}
