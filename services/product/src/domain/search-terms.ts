/**
 * Turning what a shopper typed into search terms. Pure: the SQL side receives terms that
 * are already folded (NFKC, lower case), stripped of LIKE wildcards and bounded in count.
 */

export const MAX_QUERY_CHARS = 100
export const MAX_TERMS = 8
/** Terms this long or longer match anywhere inside a word (pg_trgm needs 3 characters). */
export const SUBSTRING_MIN_CHARS = 3

export interface SearchText {
  /** The whole normalised query, terms joined by single spaces. */
  text: string
  terms: string[]
}

// Letters, digits and combining marks make words; a few joiners stay inside a term
// ("t-shirt", "3.5mm", "c++"), everything else separates terms.
const SEPARATORS = /[^\p{L}\p{N}\p{M}\-.'+#&]+/gu
const EDGE_JOINERS = /^[-.'&]+|[-.'&]+$/g

/** The normalised search, or null when nothing searchable is left. */
export function normaliseSearch(raw: string | undefined | null): SearchText | null {
  if (!raw) return null
  const folded = raw.normalize('NFKC').toLowerCase()
  const terms: string[] = []
  let length = 0
  for (const part of folded.replace(SEPARATORS, ' ').split(' ')) {
    const room = MAX_QUERY_CHARS - length - (terms.length ? 1 : 0)
    if (room <= 0 || terms.length === MAX_TERMS) break
    const term = part.replace(EDGE_JOINERS, '').slice(0, room)
    if (!term || terms.includes(term)) continue
    terms.push(term)
    length += term.length + (terms.length > 1 ? 1 : 0)
  }
  return terms.length ? { text: terms.join(' '), terms } : null
}

/** Whether a term is long enough for substring matching; shorter ones match word beginnings. */
export const isSubstringTerm = (term: string): boolean => [...term].length >= SUBSTRING_MIN_CHARS

/** A LIKE pattern that finds the term anywhere, with LIKE's own metacharacters escaped. */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

const WORD_CHAR = /[\p{L}\p{N}_]/u

/**
 * A PostgreSQL regular expression (ARE) that finds the term as a whole word: every
 * character that is not a letter or digit escaped, and word-boundary markers (\m, \M)
 * at the ends that are word characters.
 */
export function wholeWordPattern(term: string): string {
  const chars = [...term]
  const body = chars.map((c) => (/[\p{L}\p{N}]/u.test(c) ? c : `\\${c}`)).join('')
  const start = WORD_CHAR.test(chars[0] ?? '') ? '\\m' : ''
  const end = WORD_CHAR.test(chars[chars.length - 1] ?? '') ? '\\M' : ''
  return `${start}${body}${end}`
}

/** A to_tsquery prefix query for one term, quoted so tsquery operators in it are literal. */
export function prefixQuery(term: string): string {
  return `'${term.replace(/\\/g, '\\\\').replace(/'/g, "''")}':*`
}
