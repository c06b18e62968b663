import type { OrderItemInput } from '@shop/contracts/order'
import type { FieldError } from '@shop/platform/errors'

/**
 * Order pricing: the client names products and quantities only; unit prices and names
 * come from the product service's reservation, so a client can never set a price.
 */

export interface ReservedItem {
  productId: string
  quantity: number
  unitPrice: number
  name: string
}

export interface PricedLine {
  productId: string
  name: string
  unitPrice: number
  quantity: number
  lineTotal: number
}

/** Problems with the requested lines beyond the schema: a product twice, a quantity above the cap. */
export function checkRequestedItems(items: OrderItemInput[], maxQuantityPerLine: number): FieldError[] {
  const problems: FieldError[] = []
  const seen = new Set<string>()
  items.forEach((item, i) => {
    if (seen.has(item.productId)) problems.push({ path: `/items/${i}/productId`, message: 'appears more than once' })
    seen.add(item.productId)
    if (item.quantity > maxQuantityPerLine) {
      problems.push({ path: `/items/${i}/quantity`, message: `must be at most ${maxQuantityPerLine} per order` })
    }
  })
  return problems
}

/** Thrown when the reservation does not cover exactly what was asked: a broken upstream, never the client's fault. */
export class ReservationMismatch extends Error {
  constructor(detail: string) {
    super(`the product service's reservation does not match the order: ${detail}`)
    this.name = 'ReservationMismatch'
  }
}

/** The order's lines in the client's order, priced from the reservation; throws ReservationMismatch. */
export function priceLines(requested: OrderItemInput[], reserved: ReservedItem[]): PricedLine[] {
  const byProduct = new Map(reserved.map((r) => [r.productId, r]))
  if (byProduct.size !== reserved.length || reserved.length !== requested.length) {
    throw new ReservationMismatch(`${reserved.length} reserved lines for ${requested.length} requested`)
  }
  return requested.map((item) => {
    const r = byProduct.get(item.productId)
    if (!r) throw new ReservationMismatch(`product ${item.productId} is missing`)
    if (r.quantity !== item.quantity) throw new ReservationMismatch(`product ${item.productId}: ${r.quantity} reserved, ${item.quantity} asked`)
    if (!Number.isSafeInteger(r.unitPrice) || r.unitPrice < 0) throw new ReservationMismatch(`product ${item.productId}: bad price`)
    return { productId: item.productId, name: r.name, unitPrice: r.unitPrice, quantity: item.quantity, lineTotal: r.unitPrice * item.quantity }
  })
}

/** Subtotal of the lines; throws when it leaves the safe-integer range (it cannot with the line caps). */
export function subtotalOf(lines: PricedLine[]): number {
  const sum = lines.reduce((acc, l) => acc + l.lineTotal, 0)
  if (!Number.isSafeInteger(sum)) throw new ReservationMismatch('subtotal out of range')
  return sum
}
