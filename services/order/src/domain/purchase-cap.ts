import { Conflict } from '@shop/platform/errors'

/**
 * The per-user purchase cap (business-flow abuse: one account buying up a scarce item).
 * A user's units of a product in orders that are not cancelled, placed within the
 * window, plus what this order asks, may not pass `maxUnits`.
 */

export interface PurchaseCap {
  /** Most units per user and product; 0 turns the cap off. */
  maxUnits: number
  windowHours: number
}

export interface CapBreach {
  productId: string
  /** Units the user already holds in the window. */
  held: number
  asked: number
  limit: number
}

/** Whether the cap is configured at all. */
export const capEnabled = (cap: PurchaseCap): boolean => cap.maxUnits > 0

/** The lines that would take the user past the cap, given what they already hold per product. */
export function capBreaches(cap: PurchaseCap, held: ReadonlyMap<string, number>, items: readonly { productId: string; quantity: number }[]): CapBreach[] {
  if (!capEnabled(cap)) return []
  return items
    .map((i) => ({ productId: i.productId, held: held.get(i.productId) ?? 0, asked: i.quantity, limit: cap.maxUnits }))
    .filter((b) => b.held + b.asked > b.limit)
}

/** 409 purchase_limit_exceeded: a business refusal, not a malformed request. */
export class PurchaseLimitExceeded extends Conflict {
  constructor(cap: PurchaseCap, breaches: CapBreach[]) {
    const first = breaches[0]
    const more = breaches.length > 1 ? ` (and ${breaches.length - 1} more product${breaches.length > 2 ? 's' : ''})` : ''
    super(
      `product ${first?.productId}: at most ${cap.maxUnits} per customer within ${cap.windowHours} h; ` +
        `${first?.held} already ordered, ${first?.asked} more asked${more}`,
      'purchase_limit_exceeded',
    )
  }
}
