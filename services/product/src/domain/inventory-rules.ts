/**
 * Pure inventory rules: how reservation lines are normalised, when stock counts as low,
 * and how an If-Match header names a version.
 */

export interface Line {
  productId: string
  quantity: number
}

/**
 * One line per product (quantities of repeated products added), sorted by product id:
 * rows are always locked in this order, so concurrent reservations cannot deadlock.
 */
export function normaliseLines(lines: readonly Line[]): Line[] {
  const totals = new Map<string, number>()
  for (const { productId, quantity } of lines) {
    const id = productId.toLowerCase()
    totals.set(id, (totals.get(id) ?? 0) + quantity)
  }
  return [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([productId, quantity]) => ({ productId, quantity }))
}

/** Whether two sets of lines ask for the same quantities of the same products. */
export function sameLines(a: readonly Line[], b: readonly Line[]): boolean {
  const x = normaliseLines(a)
  const y = normaliseLines(b)
  return x.length === y.length && x.every((l, i) => l.productId === y[i].productId && l.quantity === y[i].quantity)
}

/** Stock "falls under" the threshold when this change took it from at-or-above to below. */
export function fellBelow(before: number, after: number, threshold: number): boolean {
  return before >= threshold && after < threshold
}

/**
 * The version an If-Match header asks for: undefined when absent or `*` (update
 * unconditionally), null when it names no version we could have issued.
 */
export function parseIfMatch(header: string | undefined): number | undefined | null {
  if (header === undefined) return undefined
  const value = header.trim()
  if (value === '' || value === '*') return undefined
  // A list of tags matches when any does; we issue one strong tag per version.
  const versions = value.split(',').map((tag) => /^(?:W\/)?"?(\d{1,9})"?$/.exec(tag.trim()))
  if (versions.some((m) => !m)) return null
  const unique = new Set(versions.map((m) => Number((m as RegExpExecArray)[1])))
  return unique.size === 1 ? [...unique][0] : null
}

/** The ETag of a product version. */
export const etagOf = (version: number): string => `"${version}"`
