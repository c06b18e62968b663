import { describe, expect, it } from 'vitest'
import { ago, consistentShop, id, NOW, parts, PRODUCT, quiet, settled } from './audit-rules.fixture.ts'
import { auditShop } from './audit-rules.ts'
import type { AuditOptions, ShopFacts } from './audit-types.ts'

/** The named check of an audit, and the names of every check that failed. */
function audit(facts: ShopFacts, o: AuditOptions = settled) {
  const report = auditShop(facts, o)
  const failed = report.checks.filter((c) => !c.ok).map((c) => c.name)
  const check = (name: string) => {
    const c = report.checks.find((x) => x.name === name)
    if (!c) throw new Error(`no check named ${name}`)
    return c
  }
  return { report, failed, check }
}

describe('auditShop: a consistent shop', () => {
  it('passes every check, with the figures of what it counted', () => {
    const { report, failed, check } = audit(consistentShop())
    expect(failed).toEqual([])
    expect(report.ok).toBe(true)
    expect(report.at).toBe(NOW.toISOString())
    expect(report.checks.map((c) => c.name)).toEqual([
      'facts collected',
      'stock balances',
      'units sold',
      'order states',
      'payments',
      'shipments',
      'outbox backlog',
      'dead letters',
    ])
    expect(check('stock balances').figures).toMatchObject({ products: 1, initial: 20, sold: 6, restocked: 3, onHand: 17, reserved: 1, available: 16 })
    expect(check('units sold').figures).toEqual({ products: 1, netSold: 3, paidUnits: 3, inFlightUnits: 0 })
    expect(check('order states').figures).toMatchObject({ orders: 5, PAID: 1, DELIVERED: 1, CANCELLED: 2, PENDING_PAYMENT: 1 })
    expect(check('payments').figures).toMatchObject({ payments: 5, capturedPayments: 3, captured: 60_000, refunded: 30_000, pgProvider: 'simulator' })
    expect(check('shipments').figures).toMatchObject({ shipments: 3, READY: 1, DELIVERED: 1, CANCELLED: 1 })
    expect(check('outbox backlog').figures).toMatchObject({ 'order count': 0, 'order oldest s': null })
  })

  it('passes in quiet mode (no grace) too', () => {
    expect(audit(consistentShop(), quiet).failed).toEqual([])
  })
})

describe('auditShop: stock balances', () => {
  it('on hand that the books do not explain is a violation with the figures', () => {
    const facts = consistentShop()
    parts(facts, 1).product.onHand = 18
    parts(facts, 1).product.reserved = 1
    const { failed, check } = audit(facts)
    expect(failed).toEqual(['stock balances'])
    expect(check('stock balances').violations).toEqual([
      { subject: `product ${PRODUCT}`, message: 'on hand 18, but the books say 17 (initial 20 + adjustments 0 + restocked 3 − sold 6)' },
    ])
  })

  it('reserved units that no active reservation holds are a violation', () => {
    const facts = consistentShop()
    parts(facts, 1).product.reserved = 3
    const { failed, check } = audit(facts)
    expect(failed).toEqual(['stock balances'])
    expect(check('stock balances').violations[0].message).toBe('reserved 3, but active reservations hold 1')
  })

  it('more reserved than on hand (negative available) is a violation', () => {
    const facts = consistentShop()
    Object.assign(parts(facts, 1).product, { reserved: 18, activeReserved: 18 })
    expect(audit(facts).check('stock balances').violations.map((v) => v.message)).toEqual(['negative stock: on hand 17, reserved 18, available -1'])
  })
})

describe('auditShop: units sold against paid orders', () => {
  it('fewer units sold than paid orders hold is a violation', () => {
    const facts = consistentShop()
    // The books balance (on hand 18 with one fewer sold), but a paid unit never left the shelf.
    Object.assign(parts(facts, 1).product, { onHand: 18, ledger: { initial: 20, adjustments: 0, sold: 5, restocked: 3 } })
    const { failed, check } = audit(facts)
    expect(failed).toEqual(['units sold'])
    expect(check('units sold').violations[0].message).toBe('sold 5 − restocked 3 = 2 units, but paid orders hold 3')
  })

  it('an order paid within the grace period may not be committed yet; once quiet it must be', () => {
    const facts = consistentShop()
    const { order, product } = parts(facts, 1)
    order.statusAt = order.history[1].at = ago(5)
    Object.assign(product, { onHand: 19, reserved: 3, activeReserved: 3, ledger: { initial: 20, adjustments: 0, sold: 4, restocked: 3 } })
    expect(audit(facts).failed).toEqual([])
    // The figures say why: 1 unit sold net, 1 settled, the order's 2 still within the grace period.
    expect(auditShop(facts, settled).checks.find((c) => c.name === 'units sold')?.figures).toEqual({ products: 1, netSold: 1, paidUnits: 1, inFlightUnits: 2 })
    expect(audit(facts, quiet).failed).toEqual(['units sold'])
  })

  it('a payment that reached product before order: sold leads an order still PENDING_PAYMENT', () => {
    const facts = consistentShop()
    const { order, payment, product } = parts(facts, 4)
    Object.assign(payment, { status: 'COMPLETED', updatedAt: ago(2), charges: { approved: 1, captured: order.total, unsettled: 0 } })
    payment.bank = { charges: 1, charged: order.total, cancelled: 0 }
    Object.assign(product, { onHand: 16, reserved: 0, activeReserved: 0, ledger: { initial: 20, adjustments: 0, sold: 7, restocked: 3 } })
    expect(audit(facts).failed).toEqual([])
    // Without the capture, the extra unit sold is unexplained.
    Object.assign(payment, { status: 'READY', charges: { approved: 0, captured: 0, unsettled: 0 }, bank: { charges: 0, charged: 0, cancelled: 0 } })
    expect(audit(facts).failed).toEqual(['units sold'])
  })

  it('paid units of a product the catalogue has no inventory for are a violation', () => {
    const facts = consistentShop()
    parts(facts, 1).order.items = [{ productId: id(999), quantity: 2 }]
    const messages = audit(facts).check('units sold').violations.map((v) => v.message)
    expect(messages).toContain('paid orders hold 2 units of a product with no inventory')
  })
})

describe('auditShop: order states', () => {
  it('an illegal step in the history is a violation', () => {
    const facts = consistentShop()
    const { order } = parts(facts, 2)
    order.history.splice(2, 1) // PAID → DELIVERED without SHIPPED
    const { failed, check } = audit(facts)
    expect(failed).toEqual(['order states'])
    expect(check('order states').violations).toEqual([{ subject: `order ${id(2)}`, message: 'illegal step PAID → DELIVERED in its history' }])
  })

  it('a status its history does not end in is a violation', () => {
    const facts = consistentShop()
    parts(facts, 4).order.status = 'CANCELLED'
    expect(audit(facts).check('order states').violations.map((v) => v.message)).toContain('status CANCELLED, but its history ends in PENDING_PAYMENT')
  })

  it('PENDING_PAYMENT past its expiry is a violation beyond the grace period only', () => {
    const facts = consistentShop()
    const { order } = parts(facts, 4)
    order.expiresAt = ago(10)
    expect(audit(facts).failed).toEqual([])
    order.expiresAt = ago(120)
    expect(audit(facts).check('order states').violations.map((v) => v.message)).toEqual(['still PENDING_PAYMENT 120 s after its expiry'])
  })

  it('PAID without a captured payment, or on another payment than the captured one, is a violation', () => {
    const facts = consistentShop()
    Object.assign(parts(facts, 1).payment, { charges: { approved: 0, captured: 0, unsettled: 0 }, status: 'READY', bank: { charges: 0, charged: 0, cancelled: 0 } })
    parts(facts, 2).order.payment = { status: 'COMPLETED', paymentId: id(777) }
    const messages = audit(facts).check('order states').violations.map((v) => v.message)
    expect(messages).toEqual(['PAID without a captured payment', `DELIVERED on payment ${id(777)}, but the captured one is ${id(102)}`])
  })

  it('DELIVERED while the shipment is only DISPATCHED is a violation', () => {
    const facts = consistentShop()
    ;(parts(facts, 2).shipment as { status: string }).status = 'DISPATCHED'
    expect(audit(facts).check('order states').violations.map((v) => v.message)).toEqual(['DELIVERED, but the shipment is DISPATCHED'])
  })

  it('money captured long ago for an order still PENDING_PAYMENT is a violation', () => {
    const facts = consistentShop()
    const { order, payment } = parts(facts, 4)
    Object.assign(payment, { status: 'COMPLETED', charges: { approved: 1, captured: order.total, unsettled: 0 }, bank: { charges: 1, charged: order.total, cancelled: 0 } })
    payment.updatedAt = ago(5)
    expect(audit(facts).check('order states').ok).toBe(true)
    payment.updatedAt = ago(300)
    expect(audit(facts).check('order states').violations.map((v) => v.message)).toEqual([
      'the payment captured 10,000 KRW but the order is still PENDING_PAYMENT',
    ])
  })
})
