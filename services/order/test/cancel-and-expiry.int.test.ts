import { randomUUID } from 'node:crypto'
import type { OrderView } from '@shop/contracts/order'
import { eventually } from '@shop/platform/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expireOrders } from '../src/use-cases/expire-orders.ts'
import { createExpirySweeper } from '../src/workers/expiry-sweeper.worker.ts'
import { createHarness, events, type Harness } from './helpers.ts'

let h: Harness
const owner = randomUUID()
const stranger = randomUUID()
const admin = randomUUID()

beforeAll(async () => {
  h = await createHarness()
})
afterAll(async () => {
  await h?.close()
})

async function cancel(order: { id: string }, userId: string, payload: object = {}) {
  return h.app.inject({ method: 'PUT', url: `/orders/${order.id}/cancel`, headers: await h.auth(userId), payload })
}

const cancelledEvents = async (orderId: string) => (await h.outbox('order.cancelled')).filter((e) => e.data.orderId === orderId)

async function expire(ids: string[]) {
  await h.db.pool.query(`UPDATE orders SET expires_at = now() - interval '1 second' WHERE id = ANY($1::uuid[])`, [ids])
}

describe('PUT /orders/:id/cancel', () => {
  it('cancelling an unpaid order makes it CANCELLED and puts order.cancelled in the outbox', async () => {
    const order = await h.placed(owner)
    const res = await cancel(order, owner, { reason: '단순 변심' })
    expect(res.statusCode).toBe(200)
    const after = res.json() as OrderView
    expect(after.status).toBe('CANCELLED')
    expect(after.history.at(-1)).toMatchObject({ status: 'CANCELLED', reason: '단순 변심' })
    const [event] = await cancelledEvents(order.id)
    expect(event.data).toEqual({ orderId: order.id, userId: owner, reason: '단순 변심', previousStatus: 'PENDING_PAYMENT' })
  })

  it('cancelling a paid order puts order.cancelled with previousStatus PAID in the outbox', async () => {
    const order = await h.placed(owner)
    await h.deliver(events.paymentCompleted(order))
    const res = await cancel(order, owner)
    expect(res.statusCode).toBe(200)
    expect(res.json().status).toBe('CANCELLED')
    expect((await cancelledEvents(order.id)).map((e) => e.data)).toEqual([
      { orderId: order.id, userId: owner, reason: 'customer_request', previousStatus: 'PAID' },
    ])
  })

  it('after dispatch the cancel is 409 invalid_state and nothing is published', async () => {
    const order = await h.placed(owner)
    await h.deliver(events.paymentCompleted(order), events.shipmentDispatched(order))
    const res = await cancel(order, owner)
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('invalid_state')
    expect(await cancelledEvents(order.id)).toEqual([])
  })

  it('cancelling an order already cancelled answers 200 with it unchanged and publishes nothing more', async () => {
    const order = await h.placed(owner)
    expect((await cancel(order, owner)).statusCode).toBe(200)
    const again = await cancel(order, owner, { reason: 'again' })
    expect(again.statusCode).toBe(200)
    expect(again.json().history.filter((e: { status: string }) => e.status === 'CANCELLED')).toHaveLength(1)
    expect(await cancelledEvents(order.id)).toHaveLength(1)
  })

  it("another user's order is 404 on get and on cancel, as if it did not exist", async () => {
    const order = await h.placed(owner)
    const get = await h.app.inject({ method: 'GET', url: `/orders/${order.id}`, headers: await h.auth(stranger) })
    expect(get.statusCode).toBe(404)
    expect(get.json().code).toBe('not_found')
    expect((await cancel(order, stranger)).statusCode).toBe(404)
    expect((await cancel({ id: randomUUID() }, owner)).statusCode).toBe(404)
    expect(await cancelledEvents(order.id)).toEqual([])
  })

  it("an admin may cancel anyone's order with a bare PUT; the reason says who", async () => {
    const order = await h.placed(owner)
    const res = await h.app.inject({ method: 'PUT', url: `/orders/${order.id}/cancel`, headers: await h.auth(admin, ['admin']) })
    expect(res.statusCode).toBe(200)
    expect((await cancelledEvents(order.id))[0].data.reason).toBe('admin_request')
  })

  it('a cancel and a payment landing together leave one consistent outcome and one order.cancelled', async () => {
    const order = await h.placed(owner)
    const [res] = await Promise.all([cancel(order, owner), h.deliver(events.paymentCompleted(order))])
    expect(res.statusCode).toBe(200)
    const after = (await h.app.inject({ method: 'GET', url: `/orders/${order.id}`, headers: await h.auth(owner) })).json() as OrderView
    expect(after.status).toBe('CANCELLED')
    const published = await cancelledEvents(order.id)
    expect(published).toHaveLength(1)
    // Paid first, then cancelled (payment refunds), or cancelled first and the payment ignored.
    const paidFirst = after.history.some((e) => e.status === 'PAID')
    expect(published[0].data.previousStatus).toBe(paidFirst ? 'PAID' : 'PENDING_PAYMENT')
  })
})

describe('expiry sweeper', () => {
  it('cancels each expired unpaid order exactly once with payment_timeout, even with two sweepers at once', async () => {
    const expired = await Promise.all(Array.from({ length: 12 }, () => h.placed(owner)))
    const paid = await h.placed(owner)
    await h.deliver(events.paymentCompleted(paid))
    const fresh = await h.placed(owner)
    await expire([...expired.map((o) => o.id), paid.id])

    const counts = await Promise.all([expireOrders(h.ctx, 5), expireOrders(h.ctx, 5), expireOrders(h.ctx, 50), expireOrders(h.ctx, 50)])
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12)

    for (const o of expired) {
      const published = await cancelledEvents(o.id)
      expect(published.map((e) => e.data)).toEqual([{ orderId: o.id, userId: owner, reason: 'payment_timeout', previousStatus: 'PENDING_PAYMENT' }])
    }
    const { rows } = await h.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM order_history WHERE order_id = ANY($1::uuid[]) AND status = 'CANCELLED' AND reason = 'payment_timeout'`,
      [expired.map((o) => o.id)],
    )
    expect(rows[0].n).toBe(12)
    // Paid orders and orders still inside their window are left alone.
    expect(await cancelledEvents(paid.id)).toEqual([])
    expect(await cancelledEvents(fresh.id)).toEqual([])
    expect(await expireOrders(h.ctx)).toBe(0)
  })

  it('two sweeper workers running side by side cancel an expired order once', async () => {
    const order = await h.placed(owner)
    await expire([order.id])
    const workers = [createExpirySweeper(h.ctx, { intervalMs: 10 }), createExpirySweeper(h.ctx, { intervalMs: 10 })]
    workers.forEach((w) => w.start())
    try {
      await eventually(async () => (await cancelledEvents(order.id)).length > 0, { timeoutMs: 5000 })
      // A few more ticks of both: still one cancellation.
      await new Promise((r) => setTimeout(r, 100))
    } finally {
      await Promise.all(workers.map((w) => w.stop()))
    }
    expect(await cancelledEvents(order.id)).toHaveLength(1)
    const view = (await h.app.inject({ method: 'GET', url: `/orders/${order.id}`, headers: await h.auth(owner) })).json() as OrderView
    expect(view.status).toBe('CANCELLED')
    expect(view.history.at(-1)).toMatchObject({ status: 'CANCELLED', reason: 'payment_timeout' })
  })
})
