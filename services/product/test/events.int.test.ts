import { randomUUID } from 'node:crypto'
import type { EventEnvelope } from '@shop/contracts'
import { createEvent } from '@shop/platform/events'
import { handleOnce } from '@shop/platform/inbox'
import { withTransaction } from '@shop/platform/db'
import type { Subscription } from '@shop/platform/ports'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { orderCancelledHandler } from '../src/events/order-cancelled.handler.ts'
import { paymentCompletedHandler, paymentCompletedStatement } from '../src/events/payment-completed.handler.ts'
import { subscribeProductEvents } from '../src/events/subscribe.ts'
import { expireReservations } from '../src/use-cases/expire-reservations.ts'
import { createHarness, inventoryRow, makeCategory, makeProduct, type ProductHarness } from './helpers.ts'

let h: ProductHarness
let categoryId: string
let subscriptions: Subscription[] = []

beforeAll(async () => {
  h = await createHarness()
  categoryId = await makeCategory(h, 'events')
  subscriptions = await subscribeProductEvents(h.deps)
})
afterAll(async () => {
  for (const s of subscriptions) await s.stop()
  await h?.close()
})

const paymentCompleted = (orderId: string): EventEnvelope<'payment.completed'> =>
  createEvent('payment', 'payment.completed', {
    paymentId: randomUUID(),
    orderId,
    userId: randomUUID(),
    amount: 1000,
    method: 'card',
    approvedAt: new Date().toISOString(),
  })
const orderCancelled = (orderId: string, previousStatus = 'PAID'): EventEnvelope<'order.cancelled'> =>
  createEvent('order', 'order.cancelled', { orderId, userId: randomUUID(), reason: 'customer_request', previousStatus })

async function reserved(quantity: number, stock: number): Promise<{ productId: string; orderId: string }> {
  const product = await makeProduct(h, { categoryId, stock })
  const orderId = randomUUID()
  const res = await h.app.inject({
    method: 'POST',
    url: '/internal/reservations',
    headers: h.customer,
    payload: { orderId, items: [{ productId: product.id, quantity }] },
  })
  if (res.statusCode !== 201) throw new Error(res.body)
  return { productId: product.id, orderId }
}

const statusOf = async (orderId: string) =>
  (await h.db.pool.query<{ status: string }>('SELECT status FROM reservations WHERE order_id = $1', [orderId])).rows[0]?.status

async function deliver(...events: EventEnvelope[]) {
  for (const e of events) await h.bus.publish(e)
  await h.bus.idle()
}

describe('payment.completed', () => {
  it('commits the reservation: on hand and reserved both drop, status COMMITTED', async () => {
    const { productId, orderId } = await reserved(3, 10)
    await deliver(paymentCompleted(orderId))
    expect(await inventoryRow(h, productId)).toEqual({ on_hand: 7, reserved: 0 })
    expect(await statusOf(orderId)).toBe('COMMITTED')
  })

  it('the same event delivered twice commits once', async () => {
    const { productId, orderId } = await reserved(2, 10)
    const event = paymentCompleted(orderId)
    await deliver(event, event)
    await deliver(event)
    expect(await inventoryRow(h, productId)).toEqual({ on_hand: 8, reserved: 0 })
    const { rows } = await h.db.pool.query('SELECT count(*)::int AS n FROM inbox WHERE event_id = $1', [event.id])
    expect(rows[0].n).toBe(1)
  })

  it('the same event handled concurrently commits once', async () => {
    const { productId, orderId } = await reserved(2, 10)
    const event = paymentCompleted(orderId)
    const handler = paymentCompletedHandler(h.ctx)
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => handleOnce(h.db.pool, 'product', event, (client) => handler(client, event))),
    )
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1)
    expect(await inventoryRow(h, productId)).toEqual({ on_hand: 8, reserved: 0 })
  })

  it('two different payment events for one order, at once, still commit once', async () => {
    const { productId, orderId } = await reserved(4, 10)
    const handler = paymentCompletedHandler(h.ctx)
    const events = [paymentCompleted(orderId), paymentCompleted(orderId)]
    await Promise.all(events.map((e) => withTransaction(h.db.pool, (client) => handler(client, e))))
    expect(await inventoryRow(h, productId)).toEqual({ on_hand: 6, reserved: 0 })
  })

  it('after the reservation expired, takes the units again when they are still there, else leaves stock alone', async () => {
    const first = await reserved(2, 5)
    const second = await reserved(5, 5)
    await h.db.pool.query(
      "UPDATE reservations SET expires_at = now() - interval '1 second' WHERE order_id = ANY($1::uuid[])",
      [[first.orderId, second.orderId]],
    )
    expect(await expireReservations(h.ctx)).toBe(2)
    // Someone else buys 2 of the second product's 5 before its late payment arrives.
    await h.app.inject({ method: 'PUT', url: `/products/${second.productId}/stock`, headers: h.admin, payload: { onHand: 3 } })
    await deliver(paymentCompleted(first.orderId), paymentCompleted(second.orderId))
    expect(await statusOf(first.orderId)).toBe('COMMITTED')
    expect(await inventoryRow(h, first.productId)).toEqual({ on_hand: 3, reserved: 0 })
    expect(await statusOf(second.orderId)).toBe('EXPIRED')
    expect(await inventoryRow(h, second.productId)).toEqual({ on_hand: 3, reserved: 0 })
  })
})

describe('payment.completed in one statement (as subscribed)', () => {
  const sold = async (orderId: string) =>
    (await h.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM inventory_movements WHERE order_id = $1 AND kind = 'sold'", [orderId]))
      .rows[0].n

  it('a redelivered event commits once: one inbox row, one sold movement', async () => {
    const { productId, orderId } = await reserved(2, 10)
    const event = paymentCompleted(orderId)
    const handler = paymentCompletedStatement(h.ctx)
    expect(await handler.run(h.db.pool, 'product', event)).toBe('applied')
    expect(await handler.run(h.db.pool, 'product', event)).toBe('duplicate')
    await deliver(event)
    expect(await inventoryRow(h, productId)).toEqual({ on_hand: 8, reserved: 0 })
    expect(await statusOf(orderId)).toBe('COMMITTED')
    expect(await sold(orderId)).toBe(1)
    const { rows } = await h.db.pool.query('SELECT count(*)::int AS n FROM inbox WHERE event_id = $1', [event.id])
    expect(rows[0].n).toBe(1)
  })

  it('the same event run concurrently applies once', async () => {
    const { productId, orderId } = await reserved(2, 10)
    const event = paymentCompleted(orderId)
    const handler = paymentCompletedStatement(h.ctx)
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => handler.run(h.db.pool, 'product', event)))
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1)
    expect(await inventoryRow(h, productId)).toEqual({ on_hand: 8, reserved: 0 })
    expect(await sold(orderId)).toBe(1)
  })

  it('two different payment events for one order, run at once, commit once', async () => {
    const { productId, orderId } = await reserved(4, 10)
    const handler = paymentCompletedStatement(h.ctx)
    await Promise.all([paymentCompleted(orderId), paymentCompleted(orderId)].map((e) => handler.run(h.db.pool, 'product', e)))
    expect(await inventoryRow(h, productId)).toEqual({ on_hand: 6, reserved: 0 })
    expect(await sold(orderId)).toBe(1)
  })

  it('an event whose inbox row is there already changes nothing, even with the reservation still ACTIVE', async () => {
    const { productId, orderId } = await reserved(3, 10)
    const event = paymentCompleted(orderId)
    await h.db.pool.query('INSERT INTO inbox (consumer, event_id, event_type) VALUES ($1, $2, $3)', ['product', event.id, event.type])
    expect(await paymentCompletedStatement(h.ctx).run(h.db.pool, 'product', event)).toBe('duplicate')
    expect(await statusOf(orderId)).toBe('ACTIVE')
    expect(await inventoryRow(h, productId)).toEqual({ on_hand: 10, reserved: 3 })
  })

  it('multi-line orders over the same products committed at once: every one sold, no deadlock', async () => {
    const a = await makeProduct(h, { categoryId, stock: 20 })
    const b = await makeProduct(h, { categoryId, stock: 20 })
    const orders = Array.from({ length: 12 }, () => randomUUID())
    for (const [i, orderId] of orders.entries()) {
      const items = i % 2 ? [{ productId: a.id, quantity: 1 }, { productId: b.id, quantity: 1 }] : [{ productId: b.id, quantity: 1 }, { productId: a.id, quantity: 1 }]
      const res = await h.app.inject({ method: 'POST', url: '/internal/reservations', headers: h.customer, payload: { orderId, items } })
      expect(res.statusCode).toBe(201)
    }
    const handler = paymentCompletedStatement(h.ctx)
    const outcomes = await Promise.all(orders.map((orderId) => handler.run(h.db.pool, 'product', paymentCompleted(orderId))))
    expect(outcomes).toEqual(orders.map(() => 'applied'))
    expect(await inventoryRow(h, a.id)).toEqual({ on_hand: 8, reserved: 0 })
    expect(await inventoryRow(h, b.id)).toEqual({ on_hand: 8, reserved: 0 })
  })

  it('payment.completed racing order.cancelled: the stock ends back on the shelf either way, the reservation settled', async () => {
    const runs = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const { productId, orderId } = await reserved(3, 10)
        const cancel = orderCancelledHandler(h.ctx)
        const cancelled = orderCancelled(orderId)
        await Promise.all([
          paymentCompletedStatement(h.ctx).run(h.db.pool, 'product', paymentCompleted(orderId)),
          handleOnce(h.db.pool, 'product', cancelled, (client) => cancel(client, cancelled)),
        ])
        return { productId, orderId }
      }),
    )
    for (const { productId, orderId } of runs) {
      expect(['RELEASED', 'RESTOCKED']).toContain(await statusOf(orderId))
      expect(await inventoryRow(h, productId)).toEqual({ on_hand: 10, reserved: 0 })
    }
  })
})

describe('order.cancelled', () => {
  it('releases an ACTIVE reservation', async () => {
    const { productId, orderId } = await reserved(3, 10)
    await deliver(orderCancelled(orderId, 'PENDING_PAYMENT'))
    expect(await statusOf(orderId)).toBe('RELEASED')
    expect(await inventoryRow(h, productId)).toEqual({ on_hand: 10, reserved: 0 })
  })

  it('restocks a COMMITTED reservation once, however often it is cancelled', async () => {
    const { productId, orderId } = await reserved(3, 10)
    await deliver(paymentCompleted(orderId))
    expect(await inventoryRow(h, productId)).toEqual({ on_hand: 7, reserved: 0 })
    const cancel = orderCancelled(orderId)
    await deliver(cancel, cancel, orderCancelled(orderId))
    const handler = orderCancelledHandler(h.ctx)
    await Promise.all([cancel, orderCancelled(orderId)].map((e) => withTransaction(h.db.pool, (client) => handler(client, e))))
    expect(await statusOf(orderId)).toBe('RESTOCKED')
    expect(await inventoryRow(h, productId)).toEqual({ on_hand: 10, reserved: 0 })
    // A payment event arriving after the restock changes nothing either.
    await deliver(paymentCompleted(orderId))
    expect(await inventoryRow(h, productId)).toEqual({ on_hand: 10, reserved: 0 })
  })

  it('an order without a reservation is acknowledged and ignored', async () => {
    await deliver(orderCancelled(randomUUID()), paymentCompleted(randomUUID()))
    expect(h.bus.deadLetters('product')).toEqual([])
  })
})
