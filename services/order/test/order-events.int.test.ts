import { randomUUID } from 'node:crypto'
import type { OrderView } from '@shop/contracts/order'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventLogOf } from '../src/data/event-log.repository.ts'
import { createHarness, events, type Harness } from './helpers.ts'

let h: Harness
const user = randomUUID()

beforeAll(async () => {
  h = await createHarness()
})
afterAll(async () => {
  await h?.close()
})

async function get(order: OrderView): Promise<OrderView> {
  const res = await h.app.inject({ method: 'GET', url: `/orders/${order.id}`, headers: await h.auth(user) })
  expect(res.statusCode).toBe(200)
  return res.json() as OrderView
}

const statuses = (o: OrderView) => o.history.map((e) => e.status)

describe('order state from payment and shipping events', () => {
  it('payment.completed makes the order PAID; the same event again leaves one history entry', async () => {
    const order = await h.placed(user)
    const paid = events.paymentCompleted(order)
    await h.deliver(paid, paid)
    const after = await get(order)
    expect(after.status).toBe('PAID')
    expect(after.payment).toEqual({ status: 'COMPLETED', paymentId: paid.data.paymentId })
    expect(statuses(after)).toEqual(['PENDING_PAYMENT', 'PAID'])
    expect(h.bus.deadLetters('order')).toEqual([])
  })

  it('the same event delivered twice at once still has one effect', async () => {
    const order = await h.placed(user)
    const paid = events.paymentCompleted(order)
    await Promise.all([h.bus.publish(paid), h.bus.publish(paid)])
    await h.bus.idle()
    expect(statuses(await get(order))).toEqual(['PENDING_PAYMENT', 'PAID'])
  })

  it('a second completion with another payment id is ignored and recorded apart from the history', async () => {
    const order = await h.placed(user)
    const first = events.paymentCompleted(order)
    const second = events.paymentCompleted(order)
    await h.deliver(first, second)
    const after = await get(order)
    expect(after.payment?.paymentId).toBe(first.data.paymentId)
    expect(statuses(after)).toEqual(['PENDING_PAYMENT', 'PAID'])
    expect(await eventLogOf(h.db.pool, order.id)).toEqual([
      { eventId: second.id, eventType: 'payment.completed', outcome: 'ignored', reason: 'order already paid' },
    ])
  })

  it('payment.failed keeps the order PENDING_PAYMENT and records the failure; a later payment still pays it', async () => {
    const order = await h.placed(user)
    const failed = events.paymentFailed(order, 'insufficient_funds')
    await h.deliver(failed)
    const after = await get(order)
    expect(after.status).toBe('PENDING_PAYMENT')
    expect(after.payment).toEqual({ status: 'FAILED', paymentId: failed.data.paymentId, failureCode: 'insufficient_funds' })
    expect(statuses(after)).toEqual(['PENDING_PAYMENT'])

    const paid = events.paymentCompleted(order)
    await h.deliver(paid)
    expect((await get(order)).payment).toEqual({ status: 'COMPLETED', paymentId: paid.data.paymentId })
  })

  it('dispatch then delivery move the order to SHIPPED then DELIVERED with the tracking number', async () => {
    const order = await h.placed(user)
    await h.deliver(events.paymentCompleted(order), events.shipmentDispatched(order, '612345678901'))
    const shipped = await get(order)
    expect(shipped.status).toBe('SHIPPED')
    expect(shipped.shipment).toEqual({ status: 'DISPATCHED', carrier: 'CJ', trackingNumber: '612345678901' })
    await h.deliver(events.shipmentDelivered(order))
    const delivered = await get(order)
    expect(delivered.status).toBe('DELIVERED')
    expect(delivered.shipment).toMatchObject({ status: 'DELIVERED', trackingNumber: '612345678901' })
    expect(statuses(delivered)).toEqual(['PENDING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED'])
  })

  it('shipment.delivered before its dispatch is ignored, then applied in order once the dispatch arrives', async () => {
    const order = await h.placed(user)
    await h.deliver(events.paymentCompleted(order))
    const early = events.shipmentDelivered(order)
    await h.deliver(early)
    expect((await get(order)).status).toBe('PAID')
    expect(await eventLogOf(h.db.pool, order.id)).toEqual([
      { eventId: early.id, eventType: 'shipment.delivered', outcome: 'deferred', reason: 'delivered before it was dispatched' },
    ])

    await h.deliver(events.shipmentDispatched(order))
    const after = await get(order)
    expect(after.status).toBe('DELIVERED')
    expect(statuses(after)).toEqual(['PENDING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED'])
    expect((await eventLogOf(h.db.pool, order.id))[0]).toMatchObject({ eventId: early.id, outcome: 'applied_late' })
    expect(h.bus.deadLetters('order')).toEqual([])
  })

  it('a payment that completes for a cancelled order is ignored; the refund that follows is recorded', async () => {
    const order = await h.placed(user)
    const cancel = await h.app.inject({ method: 'PUT', url: `/orders/${order.id}/cancel`, headers: await h.auth(user), payload: {} })
    expect(cancel.statusCode).toBe(200)
    const late = events.paymentCompleted(order)
    await h.deliver(late)
    const after = await get(order)
    expect(after.status).toBe('CANCELLED')
    expect(statuses(after)).toEqual(['PENDING_PAYMENT', 'CANCELLED'])
    expect((await eventLogOf(h.db.pool, order.id)).map((e) => [e.eventType, e.outcome])).toEqual([['payment.completed', 'ignored']])

    await h.deliver(events.paymentRefunded(order, late.data.paymentId))
    expect((await get(order)).payment).toEqual({ status: 'REFUNDED', paymentId: late.data.paymentId, refundedAmount: order.total })
  })

  it('a partial refund of a paid order is recorded without changing its status', async () => {
    const order = await h.placed(user)
    const paid = events.paymentCompleted(order)
    await h.deliver(paid, events.paymentRefunded(order, paid.data.paymentId, 1_000))
    const after = await get(order)
    expect(after.status).toBe('PAID')
    expect(after.payment).toEqual({ status: 'PARTIALLY_REFUNDED', paymentId: paid.data.paymentId, refundedAmount: 1_000 })
  })

  it('an event for an order this service does not know is recorded, not retried into the dead letters', async () => {
    const ghost = { ...(await h.placed(user)), id: randomUUID() }
    await h.deliver(events.paymentCompleted(ghost))
    expect((await eventLogOf(h.db.pool, ghost.id)).map((e) => e.reason)).toEqual(['unknown order'])
    expect(h.bus.deadLetters('order')).toEqual([])
  })
})
