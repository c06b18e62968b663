import { finish, isRecent, krw, later, secondsSince } from './audit-check.ts'
import {
  type AuditCheck,
  type AuditOptions,
  type OrderFacts,
  PAID_STATES,
  type PaymentFacts,
  type ShipmentFacts,
  type Violation,
} from './audit-types.ts'

export const ORDERS = {
  name: 'order states',
  description:
    'every order reached its status by legal steps, PAID and later are backed by a captured payment, ' +
    'SHIPPED and DELIVERED by the shipment, and no order past its expiry is still PENDING_PAYMENT',
}
export const PAYMENTS = {
  name: 'payments',
  description:
    'every PAID/SHIPPED/DELIVERED order has exactly one captured payment for its total; refunds ≤ captured; ' +
    'every cancelled order that was paid is refunded; the payment gateway holds what our books say',
}
export const SHIPMENTS = {
  name: 'shipments',
  description: 'every paid, not cancelled order has a shipment; no live shipment for an unpaid or cancelled order',
}

/** The order state machine's steps (order service, domain/order-state.ts). */
const STEPS: Record<string, string[]> = {
  PENDING_PAYMENT: ['PAID', 'CANCELLED'],
  PAID: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
}
const SHIPPED_STATES = new Set(['DISPATCHED', 'IN_TRANSIT', 'DELIVERED'])
const CAPTURED_STATES = new Set(['COMPLETED', 'PARTIALLY_REFUNDED', 'REFUNDED'])

const byOrder = <T extends { orderId: string }>(rows: T[]) => new Map(rows.map((r) => [r.orderId, r]))
const count = (values: string[]) => {
  const out: Record<string, number> = {}
  for (const v of values) out[v] = (out[v] ?? 0) + 1
  return out
}

/** Why the history does not lead to the status by legal steps, or null when it does. */
function historyProblem(o: OrderFacts): string | null {
  const path = o.history.map((h) => h.status)
  if (path[0] !== 'PENDING_PAYMENT') return `history starts with ${path[0] ?? 'nothing'}, not PENDING_PAYMENT`
  for (let i = 1; i < path.length; i++) {
    if (!STEPS[path[i - 1]]?.includes(path[i])) return `illegal step ${path[i - 1]} → ${path[i]} in its history`
  }
  if (path[path.length - 1] !== o.status) return `status ${o.status}, but its history ends in ${path[path.length - 1]}`
  return null
}

/** Each order's status against its own history, its expiry, its payment and its shipment. */
export function checkOrders(orders: OrderFacts[], payments: PaymentFacts[], shipments: ShipmentFacts[], o: AuditOptions): AuditCheck {
  const pay = byOrder(payments)
  const ship = byOrder(shipments)
  const violations: Violation[] = []
  for (const order of orders) {
    const say = (message: string) => violations.push({ subject: `order ${order.id}`, message })
    const problem = historyProblem(order)
    if (problem) say(problem)
    const p = pay.get(order.id)
    const s = ship.get(order.id)
    if (order.status === 'PENDING_PAYMENT') {
      const overdue = o.now.getTime() - Date.parse(order.expiresAt)
      if (overdue > o.graceSeconds * 1000) say(`still PENDING_PAYMENT ${Math.round(overdue / 1000)} s after its expiry`)
      if (p && p.charges.approved > 0 && !isRecent(p.updatedAt, o)) say(`the payment captured ${krw(p.charges.captured)} but the order is still PENDING_PAYMENT`)
    }
    if (PAID_STATES.has(order.status)) {
      if (!p || p.charges.approved === 0) say(`${order.status} without a captured payment`)
      else if (order.payment?.paymentId !== p.paymentId) say(`${order.status} on payment ${order.payment?.paymentId ?? 'none'}, but the captured one is ${p.paymentId}`)
    }
    if (order.status === 'SHIPPED' && !(s && SHIPPED_STATES.has(s.status))) say(`SHIPPED, but the shipment is ${s?.status ?? 'missing'}`)
    if (order.status === 'DELIVERED' && s?.status !== 'DELIVERED') say(`DELIVERED, but the shipment is ${s?.status ?? 'missing'}`)
  }
  return finish(ORDERS.name, ORDERS.description, { orders: orders.length, ...count(orders.map((x) => x.status)) }, violations)
}

/** Money: one capture per paid order for its total, refunds within what was captured, cancelled orders refunded, the PG agreeing. */
export function checkPayments(orders: OrderFacts[], payments: PaymentFacts[], pgProvider: string | null, o: AuditOptions): AuditCheck {
  const pay = byOrder(payments)
  const orderIds = new Set(orders.map((x) => x.id))
  const violations: Violation[] = []
  const f = { payments: payments.length, capturedPayments: 0, captured: 0, refunded: 0, refundsPending: 0 }
  for (const p of payments) {
    const say = (message: string) => violations.push({ subject: `order ${p.orderId}`, message })
    const { approved, captured, unsettled } = p.charges
    f.captured += captured
    f.refunded += p.refundedAmount
    if (approved > 0) f.capturedPayments++
    if (p.refunds.pending > 0) f.refundsPending++
    if (approved > 1) say(`captured ${approved} times (${krw(captured)}) for one order`)
    if (approved > 0 && !CAPTURED_STATES.has(p.status)) say(`payment ${p.status} although a charge of ${krw(captured)} was approved`)
    if (p.refundedAmount > captured) say(`refunded ${krw(p.refundedAmount)} of ${krw(captured)} captured`)
    if (p.refunds.done !== p.refundedAmount) say(`refunded amount ${krw(p.refundedAmount)}, but settled refunds add up to ${krw(p.refunds.done)}`)
    if (p.refunds.done + p.refunds.pending > captured) say(`refunds of ${krw(p.refunds.done + p.refunds.pending)} exceed ${krw(captured)} captured`)
    if (unsettled > 0 && !isRecent(p.updatedAt, o)) say(`${unsettled} charge(s) still of unknown outcome since ${p.updatedAt}`)
    if (p.refunds.oldestPendingAt && !isRecent(p.refunds.oldestPendingAt, o)) {
      say(`a refund of ${krw(p.refunds.pending)} has waited ${secondsSince(p.refunds.oldestPendingAt, o.now)} s`)
    }
    if (!orderIds.has(p.orderId) && !isRecent(p.updatedAt, o)) say('a payment for an order the order service does not know')
    const bank = p.bank
    const settling = unsettled > 0 || p.refunds.pending > 0
    if (bank && !(settling && isRecent(p.updatedAt, o))) {
      if (bank.charges !== approved) say(`the payment gateway charged ${bank.charges} time(s), our books say ${approved}`)
      const held = bank.charged - bank.cancelled
      if (held !== captured - p.refundedAmount) {
        say(`the payment gateway holds ${krw(held)}, our books say ${krw(captured - p.refundedAmount)} (captured − refunded)`)
      }
    }
  }
  for (const order of orders) {
    const say = (message: string) => violations.push({ subject: `order ${order.id}`, message })
    const p = pay.get(order.id)
    if (PAID_STATES.has(order.status) && p && p.charges.approved === 1) {
      if (p.charges.captured !== order.total || p.amount !== order.total) {
        say(`total ${krw(order.total)}, but the payment is for ${krw(p.amount)} and captured ${krw(p.charges.captured)}`)
      }
    }
    if (order.status === 'CANCELLED' && p && p.charges.captured > p.refundedAmount && !isRecent(later(order.statusAt, p.updatedAt), o)) {
      say(`cancelled, but only ${krw(p.refundedAmount)} of ${krw(p.charges.captured)} captured was refunded`)
    }
  }
  return finish(PAYMENTS.name, PAYMENTS.description, { ...f, pgProvider }, violations)
}

/** Shipments against order states, with the grace period for events still travelling. */
export function checkShipments(orders: OrderFacts[], shipments: ShipmentFacts[], o: AuditOptions): AuditCheck {
  const ship = byOrder(shipments)
  const orderIds = new Set(orders.map((x) => x.id))
  const violations: Violation[] = []
  for (const order of orders) {
    const say = (message: string) => violations.push({ subject: `order ${order.id}`, message })
    const s = ship.get(order.id)
    const live = s && s.status !== 'CANCELLED'
    if (PAID_STATES.has(order.status) && !live && !isRecent(order.statusAt, o)) say(`${order.status} but ${s ? 'its shipment was cancelled' : 'has no shipment'}`)
    if (order.status === 'PENDING_PAYMENT' && live && !isRecent(s.createdAt, o)) say(`unpaid, but has a ${s.status} shipment`)
    if (order.status === 'CANCELLED' && s) {
      if (SHIPPED_STATES.has(s.status)) say(`cancelled, but its shipment is ${s.status}`)
      else if (s.status === 'READY' && !isRecent(later(order.statusAt, s.updatedAt), o)) say('cancelled, but its shipment is still READY')
    }
  }
  for (const s of shipments) {
    if (!orderIds.has(s.orderId) && !isRecent(s.createdAt, o)) {
      violations.push({ subject: `order ${s.orderId}`, message: `a ${s.status} shipment for an order the order service does not know` })
    }
  }
  return finish(SHIPMENTS.name, SHIPMENTS.description, { shipments: shipments.length, ...count(shipments.map((s) => s.status)) }, violations)
}
