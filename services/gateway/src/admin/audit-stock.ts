import { finish, isRecent } from './audit-check.ts'
import {
  type AuditCheck,
  type AuditOptions,
  type InventoryFacts,
  type OrderFacts,
  PAID_STATES,
  type PaymentFacts,
  type Violation,
} from './audit-types.ts'

export const STOCK = {
  name: 'stock balances',
  description:
    'per product: initial + adjustments + restocked − sold = on hand = available + reserved; ' +
    'reserved = units in active reservations; nothing negative',
}

export const SOLD = {
  name: 'units sold',
  description: 'per product, units sold less units restocked equal the units of its paid, shipped and delivered orders',
}

/** Each product's stock against its own books (one service, one snapshot per product: no grace). */
export function checkStock(products: InventoryFacts[]): AuditCheck {
  const violations: Violation[] = []
  const t = { products: products.length, initial: 0, adjustments: 0, restocked: 0, sold: 0, onHand: 0, reserved: 0, available: 0 }
  for (const p of products) {
    const { initial, adjustments, sold, restocked } = p.ledger
    const available = p.onHand - p.reserved
    t.initial += initial
    t.adjustments += adjustments
    t.restocked += restocked
    t.sold += sold
    t.onHand += p.onHand
    t.reserved += p.reserved
    t.available += available
    const booked = initial + adjustments + restocked - sold
    const say = (message: string) => violations.push({ subject: `product ${p.productId}`, message })
    if (booked !== p.onHand) {
      say(`on hand ${p.onHand}, but the books say ${booked} (initial ${initial} + adjustments ${adjustments} + restocked ${restocked} − sold ${sold})`)
    }
    if (p.reserved !== p.activeReserved) say(`reserved ${p.reserved}, but active reservations hold ${p.activeReserved}`)
    if (p.onHand < 0 || p.reserved < 0 || available < 0) say(`negative stock: on hand ${p.onHand}, reserved ${p.reserved}, available ${available}`)
    if (restocked > sold) say(`restocked ${restocked} units but sold only ${sold}`)
  }
  return finish(STOCK.name, STOCK.description, t, violations)
}

interface Expected {
  /** Units of paid orders whose status has been stable for longer than the grace period. */
  settled: number
  /** Units whose order changed status within the grace period: product may not have heard yet. */
  inFlight: number
}

/**
 * Net units sold against the orders: exact once the shop is quiet. Until then a recently
 * paid order may not be committed yet (sold lags), a recently cancelled one may not be
 * restocked yet, and an order whose payment.completed reached product before order may
 * still be PENDING_PAYMENT with its payment captured (sold leads); so the figure may sit
 * anywhere between the settled paid units and those plus every such order's units.
 */
export function checkSoldUnits(products: InventoryFacts[], orders: OrderFacts[], payments: PaymentFacts[], o: AuditOptions): AuditCheck {
  const captured = new Set(payments.filter((p) => p.charges.approved > 0).map((p) => p.orderId))
  const expected = new Map<string, Expected>()
  const at = (id: string) => {
    let e = expected.get(id)
    if (!e) expected.set(id, (e = { settled: 0, inFlight: 0 }))
    return e
  }
  for (const order of orders) {
    const paid = PAID_STATES.has(order.status)
    const recent = isRecent(order.statusAt, o)
    const racing = order.status === 'PENDING_PAYMENT' && captured.has(order.id)
    if (!paid && !racing && !(recent && order.status === 'CANCELLED')) continue
    for (const line of order.items) {
      const e = at(line.productId)
      if (paid && !recent) e.settled += line.quantity
      else e.inFlight += line.quantity
    }
  }
  const violations: Violation[] = []
  let netSold = 0
  let paidUnits = 0
  // Units of orders that changed within the grace period: netSold may lie anywhere up to paidUnits plus these.
  let inFlightUnits = 0
  const known = new Set<string>()
  for (const p of products) {
    known.add(p.productId)
    const net = p.ledger.sold - p.ledger.restocked
    const e = expected.get(p.productId) ?? { settled: 0, inFlight: 0 }
    netSold += net
    paidUnits += e.settled
    inFlightUnits += e.inFlight
    if (net < e.settled || net > e.settled + e.inFlight) {
      const range = e.inFlight ? `${e.settled}–${e.settled + e.inFlight}` : String(e.settled)
      violations.push({
        subject: `product ${p.productId}`,
        message: `sold ${p.ledger.sold} − restocked ${p.ledger.restocked} = ${net} units, but paid orders hold ${range}`,
      })
    }
  }
  for (const [productId, e] of expected) {
    if (!known.has(productId) && e.settled > 0) {
      violations.push({ subject: `product ${productId}`, message: `paid orders hold ${e.settled} units of a product with no inventory` })
    }
  }
  return finish(SOLD.name, SOLD.description, { products: products.length, netSold, paidUnits, inFlightUnits }, violations)
}
