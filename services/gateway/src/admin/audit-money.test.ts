import { describe, expect, it } from 'vitest'
import { formatReport } from './audit-print.ts'
import { ago, consistentShop, id, parts, quiet, settled } from './audit-rules.fixture.ts'
import { auditShop } from './audit-rules.ts'
import type { AuditOptions, ShopFacts } from './audit-types.ts'

const messagesOf = (facts: ShopFacts, name: string, o: AuditOptions = settled) =>
  (auditShop(facts, o).checks.find((c) => c.name === name)?.violations ?? []).map((v) => v.message)
const failedOf = (facts: ShopFacts, o: AuditOptions = settled) =>
  auditShop(facts, o)
    .checks.filter((c) => !c.ok)
    .map((c) => c.name)

describe('auditShop: payments', () => {
  it('two captures for one order is a violation, and the PG agreeing does not excuse it', () => {
    const facts = consistentShop()
    const { payment } = parts(facts, 1)
    Object.assign(payment, { charges: { approved: 2, captured: 40_000, unsettled: 0 }, bank: { charges: 2, charged: 40_000, cancelled: 0 } })
    expect(messagesOf(facts, 'payments')).toEqual(['captured 2 times (40,000 KRW) for one order'])
  })

  it('a capture that is not the order total is a violation', () => {
    const facts = consistentShop()
    const { payment } = parts(facts, 2)
    Object.assign(payment, { amount: 9_000, charges: { approved: 1, captured: 9_000, unsettled: 0 }, bank: { charges: 1, charged: 9_000, cancelled: 0 } })
    expect(failedOf(facts)).toEqual(['payments'])
    expect(messagesOf(facts, 'payments')).toEqual(['total 10,000 KRW, but the payment is for 9,000 KRW and captured 9,000 KRW'])
  })

  it('refunds beyond what was captured, or not matching the settled refunds, are violations', () => {
    const facts = consistentShop()
    Object.assign(parts(facts, 1).payment, { refundedAmount: 25_000, refunds: { done: 25_000, pending: 0, oldestPendingAt: null }, bank: { charges: 1, charged: 20_000, cancelled: 25_000 } })
    Object.assign(parts(facts, 2).payment, { refundedAmount: 1_000, bank: { charges: 1, charged: 10_000, cancelled: 1_000 } })
    const messages = messagesOf(facts, 'payments')
    expect(messages).toContain('refunded 25,000 KRW of 20,000 KRW captured')
    expect(messages).toContain('refunded amount 1,000 KRW, but settled refunds add up to 0 KRW')
  })

  it('a cancelled order that was paid and not refunded is a violation once the grace period is over', () => {
    const facts = consistentShop()
    const { order, payment } = parts(facts, 3)
    Object.assign(payment, { status: 'COMPLETED', refundedAmount: 0, refunds: { done: 0, pending: 30_000, oldestPendingAt: ago(3) }, bank: { charges: 1, charged: 30_000, cancelled: 0 } })
    order.statusAt = order.history[2].at = ago(3)
    payment.updatedAt = ago(3)
    expect(failedOf(facts)).toEqual([])
    expect(messagesOf(facts, 'payments', quiet)).toEqual(
      expect.arrayContaining(['cancelled, but only 0 KRW of 30,000 KRW captured was refunded', 'a refund of 30,000 KRW has waited 3 s']),
    )
  })

  it("the payment gateway's books disagreeing with ours is a violation", () => {
    const facts = consistentShop()
    parts(facts, 1).payment.bank = { charges: 2, charged: 40_000, cancelled: 0 }
    expect(messagesOf(facts, 'payments')).toEqual([
      'the payment gateway charged 2 time(s), our books say 1',
      'the payment gateway holds 40,000 KRW, our books say 20,000 KRW (captured − refunded)',
    ])
  })

  it('a charge of unknown outcome is a violation once the grace period is over', () => {
    const facts = consistentShop()
    const { payment } = parts(facts, 4)
    Object.assign(payment, { status: 'PROCESSING', charges: { approved: 0, captured: 0, unsettled: 1 }, updatedAt: ago(10) })
    expect(failedOf(facts)).toEqual([])
    payment.updatedAt = ago(100)
    expect(messagesOf(facts, 'payments')).toEqual([`1 charge(s) still of unknown outcome since ${ago(100)}`])
  })

  it('a payment for an order the order service does not know is a violation', () => {
    const facts = consistentShop()
    facts.orders = facts.orders?.filter((o) => o.id !== id(5)) ?? null
    expect(messagesOf(facts, 'payments')).toEqual(['a payment for an order the order service does not know'])
  })
})

describe('auditShop: shipments', () => {
  it('a paid order without a shipment is a violation once the grace period is over', () => {
    const facts = consistentShop()
    facts.shipments = facts.shipments?.filter((s) => s.orderId !== id(1)) ?? null
    expect(messagesOf(facts, 'shipments')).toEqual(['PAID but has no shipment'])
    const { order } = parts(facts, 1)
    order.statusAt = order.history[1].at = ago(2)
    expect(failedOf(facts)).toEqual([])
  })

  it('a live shipment for an unpaid order, or a dispatched one for a cancelled order, is a violation', () => {
    const facts = consistentShop()
    const unpaid = parts(facts, 4).order
    facts.shipments?.push({ shipmentId: id(300), orderId: unpaid.id, status: 'READY', createdAt: ago(600), updatedAt: ago(600) })
    ;(parts(facts, 3).shipment as { status: string }).status = 'DISPATCHED'
    expect(messagesOf(facts, 'shipments')).toEqual(['cancelled, but its shipment is DISPATCHED', 'unpaid, but has a READY shipment'])
  })

  it('a cancelled order whose shipment is still READY is a violation beyond the grace period', () => {
    const facts = consistentShop()
    const s = parts(facts, 3).shipment as { status: string; updatedAt: string }
    s.status = 'READY'
    expect(messagesOf(facts, 'shipments')).toEqual(['cancelled, but its shipment is still READY'])
    s.updatedAt = ago(1)
    expect(failedOf(facts)).toEqual([])
  })

  it('a shipment for an order the order service does not know is a violation', () => {
    const facts = consistentShop()
    facts.shipments?.push({ shipmentId: id(301), orderId: id(404), status: 'READY', createdAt: ago(900), updatedAt: ago(900) })
    expect(messagesOf(facts, 'shipments')).toEqual(['a READY shipment for an order the order service does not know'])
  })
})

describe('auditShop: outboxes, dead letters, sources', () => {
  it('an outbox row older than the grace period is a violation; any row is once quiet', () => {
    const facts = consistentShop()
    facts.outbox.payment = { count: 2, oldestAgeSeconds: 4 }
    expect(failedOf(facts)).toEqual([])
    expect(messagesOf(facts, 'outbox backlog', quiet)).toEqual(['2 event(s) unpublished, the oldest for 4 s'])
    facts.outbox.payment = { count: 2, oldestAgeSeconds: 95 }
    expect(auditShop(facts, settled).checks.find((c) => c.name === 'outbox backlog')?.figures).toMatchObject({ 'payment count': 2, 'payment oldest s': 95 })
    expect(failedOf(facts)).toEqual(['outbox backlog'])
  })

  it('any dead letter is a violation, with the age of the oldest', () => {
    const facts = consistentShop()
    facts.dlq.shipping = { count: 3, oldestAgeSeconds: 42 }
    expect(failedOf(facts)).toEqual(['dead letters'])
    expect(auditShop(facts, settled).checks.find((c) => c.name === 'dead letters')?.violations).toEqual([
      { subject: 'shipping', message: '3 dead letter(s), the oldest event 42 s old' },
    ])
  })

  it('a service that could not be read fails the audit, and the checks that need it say they did not run', () => {
    const facts = consistentShop()
    facts.payments = null
    delete facts.outbox.payment
    facts.unavailable.push({ source: 'payment', reason: 'the payment service did not answer' })
    const report = auditShop(facts, settled)
    expect(report.ok).toBe(false)
    expect(failedOf(facts)).toEqual(['facts collected', 'units sold', 'order states', 'payments', 'outbox backlog'])
    expect(report.checks.find((c) => c.name === 'payments')?.violations).toEqual([
      { subject: 'payments', message: 'not checked: the payments facts could not be read' },
    ])
    // Those that could not run say so; those that ran, even partly (the outbox of the others), do not.
    expect(report.checks.filter((c) => !c.checked).map((c) => c.name)).toEqual(['units sold', 'order states', 'payments'])
  })

  it('lists the first 50 violations of a check and counts them all', () => {
    const facts = consistentShop()
    for (let i = 0; i < 70; i++) {
      facts.shipments?.push({ shipmentId: id(1000 + i), orderId: id(2000 + i), status: 'READY', createdAt: ago(900), updatedAt: ago(900) })
    }
    const shipments = auditShop(facts, settled).checks.find((c) => c.name === 'shipments')
    expect(shipments?.violations).toHaveLength(50)
    expect(shipments?.violationCount).toBe(70)
  })
})

describe('formatReport', () => {
  it('prints one row per check with its figures, the violations under the failing one', () => {
    const facts = consistentShop()
    parts(facts, 1).product.onHand = 99
    const text = formatReport(auditShop(facts, settled))
    expect(text).toMatch(/FAILED, 1 of 8 checks/)
    expect(text).toMatch(/stock balances\s+FAIL\s+products=1 {2}initial=20/)
    expect(text).toMatch(/units sold\s+ok\s+products=1 {2}netSold=3 {2}paidUnits=3 {2}inFlightUnits=0/)
    expect(text).toContain('on hand 99, but the books say 17')
    expect(formatReport(auditShop(consistentShop(), settled))).toMatch(/OK, 8 checks passed/)
  })
})
