import type { AuditOptions, InventoryFacts, OrderFacts, PaymentFacts, ShipmentFacts, ShopFacts } from './audit-types.ts'

/**
 * Hand-made facts for the auditor's unit tests: a small shop that is consistent in
 * every respect, which each test then breaks in one place.
 */

export const NOW = new Date('2025-06-01T12:00:00.000Z')
export const ago = (seconds: number, now = NOW): string => new Date(now.getTime() - seconds * 1000).toISOString()
export const settled: AuditOptions = { now: NOW, graceSeconds: 30 }
export const quiet: AuditOptions = { now: NOW, graceSeconds: 0 }

export const PRODUCT = '00000000-0000-4000-8000-00000000000a'
export const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

const HOUR = 3600

function order(now: Date, n: number, status: string, path: string[], quantity: number, at = HOUR): OrderFacts {
  const history = path.map((s, i) => ({ status: s, at: ago(at + (path.length - 1 - i) * 60, now) }))
  const paid = path.includes('PAID')
  return {
    id: id(n),
    status,
    total: quantity * 10_000,
    createdAt: history[0].at,
    expiresAt: new Date(Date.parse(history[0].at) + 15 * 60_000).toISOString(),
    statusAt: history[history.length - 1].at,
    history,
    payment: paid ? { status: 'COMPLETED', paymentId: id(100 + n) } : null,
    shipment: status === 'SHIPPED' || status === 'DELIVERED' ? { status: status === 'SHIPPED' ? 'DISPATCHED' : 'DELIVERED' } : null,
    items: [{ productId: PRODUCT, quantity }],
  }
}

function payment(o: OrderFacts, captured: boolean, refunded = 0): PaymentFacts {
  const amount = captured ? o.total : 0
  return {
    paymentId: id(100 + Number(o.id.slice(-4))),
    orderId: o.id,
    status: !captured ? (o.status === 'CANCELLED' ? 'CANCELLED' : 'READY') : refunded === amount ? 'REFUNDED' : 'COMPLETED',
    amount: o.total,
    refundedAmount: refunded,
    cancelRequested: o.status === 'CANCELLED',
    updatedAt: o.statusAt,
    charges: { approved: captured ? 1 : 0, captured: amount, unsettled: 0 },
    refunds: { done: refunded, pending: 0, oldestPendingAt: null },
    bank: { charges: captured ? 1 : 0, charged: amount, cancelled: refunded },
  }
}

const shipment = (o: OrderFacts, status: string): ShipmentFacts => ({
  shipmentId: id(200 + Number(o.id.slice(-4))),
  orderId: o.id,
  status,
  createdAt: o.history.find((h) => h.status === 'PAID')?.at ?? o.createdAt,
  updatedAt: o.statusAt,
})

/**
 * One product (20 to start) and five orders: PAID (2 units), DELIVERED (1), cancelled
 * after payment and refunded (3), PENDING_PAYMENT (1, reserved), cancelled unpaid (1).
 * Sold 6, restocked 3: on hand 17, reserved 1. Timestamps are relative to `now`.
 */
export function consistentShop(now = NOW): ShopFacts {
  const paid = order(now, 1, 'PAID', ['PENDING_PAYMENT', 'PAID'], 2)
  const delivered = order(now, 2, 'DELIVERED', ['PENDING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED'], 1)
  const refunded = order(now, 3, 'CANCELLED', ['PENDING_PAYMENT', 'PAID', 'CANCELLED'], 3)
  const pending = order(now, 4, 'PENDING_PAYMENT', ['PENDING_PAYMENT'], 1, 60)
  const expired = order(now, 5, 'CANCELLED', ['PENDING_PAYMENT', 'CANCELLED'], 1)
  const product: InventoryFacts = {
    productId: PRODUCT,
    deleted: false,
    onHand: 17,
    reserved: 1,
    activeReserved: 1,
    ledger: { initial: 20, adjustments: 0, sold: 6, restocked: 3 },
  }
  return {
    products: [product],
    orders: [paid, delivered, refunded, pending, expired],
    payments: [
      payment(paid, true),
      payment(delivered, true),
      payment(refunded, true, refunded.total),
      payment(pending, false),
      payment(expired, false),
    ],
    shipments: [shipment(paid, 'READY'), shipment(delivered, 'DELIVERED'), shipment(refunded, 'CANCELLED')],
    pgProvider: 'simulator',
    outbox: Object.fromEntries(['product', 'order', 'payment', 'shipping'].map((s) => [s, { count: 0, oldestAgeSeconds: null }])),
    dlq: Object.fromEntries(['product', 'order', 'payment', 'shipping'].map((s) => [s, { count: 0, oldestAgeSeconds: null }])),
    unavailable: [],
  }
}

/** The facts of one order in a fixture shop (the order, its payment and its shipment). */
export function parts(facts: ShopFacts, n: number) {
  const orderId = id(n)
  return {
    order: facts.orders?.find((o) => o.id === orderId) as OrderFacts,
    payment: facts.payments?.find((p) => p.orderId === orderId) as PaymentFacts,
    shipment: facts.shipments?.find((s) => s.orderId === orderId),
    product: facts.products?.[0] as InventoryFacts,
  }
}
