import type { SuggestionList } from '@shop/contracts/product'
import type { ProductContext } from '../context.ts'
import { suggestProducts as selectSuggestions } from '../data/suggest.repository.ts'
import { containsPattern } from '../domain/search-terms.ts'

/**
 * GET /products/suggest: live products whose name contains what was typed, folded as
 * search folds it (NFKC, lower case, runs of spaces as one), Korean or English, from one
 * character on. Read from the database every time, so a deleted product is never offered.
 */
export async function suggestProducts(ctx: ProductContext, q: string, limit: number): Promise<SuggestionList> {
  const text = q.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ')
  if (!text) return { items: [] }
  const rows = await selectSuggestions(ctx.pool, containsPattern(text), [...text].length, limit)
  return { items: rows.map((r) => ({ id: r.id, name: r.name, price: r.price, ...(r.image ? { image: r.image } : {}) })) }
}
