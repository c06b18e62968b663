import { randomUUID } from 'node:crypto'
import type { OrderView } from '@shop/contracts/order'
import { Client } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, events, type Harness, type Replica } from './helpers.ts'
import { openSse, type SseEvent } from '@shop/platform/testing-sse'

/**
 * GET /orders/:id/events against two order-service instances on one database: a change
 * one replica commits reaches the streams open on the other through PostgreSQL NOTIFY.
 */

let h: Harness
let b: Replica
let urlA: string
let urlB: string
const alice = randomUUID()
const bob = randomUUID()
const admin = randomUUID()

beforeAll(async () => {
  h = await createHarness()
  b = await h.replica()
  urlA = await h.app.listen({ port: 0, host: '127.0.0.1' })
  urlB = await b.app.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await h?.close()
})

const order = (e: SseEvent) => {
  expect(e.event).toBe('order')
  return JSON.parse(e.data) as OrderView
}
const follow = async (base: string, userId: string, id: string, query = '', roles?: string[]) =>
  openSse(`${base}/orders/${id}/events${query}`, await h.auth(userId, roles))

describe('GET /orders/:id/events', () => {
  it('a stream opened on one replica sees a payment applied by the other', async () => {
    const o = await h.placed(alice)
    const s = await follow(urlA, alice, o.id)
    expect(s.status).toBe(200)
    expect(s.headers['content-type']).toMatch(/^text\/event-stream/)
    expect(order(await s.next())).toEqual(o)

    const paymentId = randomUUID()
    await b.deliver(events.paymentCompleted(o, paymentId))
    const paid = order(await s.next())
    expect(paid.status).toBe('PAID')
    expect(paid.payment).toEqual({ status: 'COMPLETED', paymentId })
    s.close()
  })

  it('a refund and a failed payment each send the whole order again', async () => {
    const o = await h.placed(alice)
    const s = await follow(urlB, alice, o.id)
    order(await s.next())
    await h.deliver(events.paymentFailed(o))
    expect(order(await s.next()).payment).toMatchObject({ status: 'FAILED', failureCode: 'card_declined' })
    const paymentId = randomUUID()
    await h.deliver(events.paymentCompleted(o, paymentId))
    expect(order(await s.next()).status).toBe('PAID')
    await h.deliver(events.paymentRefunded(o, paymentId, 3000))
    expect(order(await s.next()).payment).toEqual({ status: 'PARTIALLY_REFUNDED', paymentId, refundedAmount: 3000 })
    s.close()
  })

  it('the stream ends after the order reaches a terminal state', async () => {
    const o = await h.placed(alice)
    const s = await follow(urlA, alice, o.id)
    order(await s.next())
    const res = await b.app.inject({ method: 'PUT', url: `/orders/${o.id}/cancel`, headers: await h.auth(alice), payload: {} })
    expect(res.statusCode).toBe(200)
    expect(order(await s.next()).status).toBe('CANCELLED')
    await s.ended
  })

  it('an order already delivered or cancelled is sent once and the stream ends', async () => {
    const o = await h.placed(alice)
    await h.app.inject({ method: 'PUT', url: `/orders/${o.id}/cancel`, headers: await h.auth(alice), payload: {} })
    const s = await follow(urlB, alice, o.id)
    expect(order(await s.next()).status).toBe('CANCELLED')
    await s.ended
  })

  it('the stream ends after the timeout the client asked for', async () => {
    const o = await h.placed(alice)
    const s = await follow(urlA, alice, o.id, '?timeout=1')
    order(await s.next())
    await s.ended
    expect(s.raw().match(/event: order/g)).toHaveLength(1)
  })

  it('an admin may follow anyone\'s order; the address is masked for them', async () => {
    const o = await h.placed(alice)
    const s = await follow(urlA, admin, o.id, '', ['admin'])
    expect(order(await s.next()).shippingAddress.recipient).toBe('홍*동')
    s.close()
  })

  it("another user's order and an unknown one are 404, a missing token 401, a bad timeout 400", async () => {
    const o = await h.placed(alice)
    for (const id of [o.id, randomUUID()]) {
      const res = await h.app.inject({ method: 'GET', url: `/orders/${id}/events`, headers: await h.auth(bob) })
      expect(res.statusCode).toBe(404)
      expect(res.json()).toMatchObject({ code: 'not_found' })
    }
    expect((await h.app.inject({ method: 'GET', url: `/orders/${o.id}/events` })).statusCode).toBe(401)
    for (const t of ['0', '301', 'x']) {
      const res = await h.app.inject({ method: 'GET', url: `/orders/${o.id}/events?timeout=${t}`, headers: await h.auth(alice) })
      expect(res.statusCode).toBe(400)
    }
  })

  it('when the listening connection drops, it comes back and the open streams still see the change', async () => {
    const o = await h.placed(alice)
    const s = await follow(urlA, alice, o.id)
    order(await s.next())
    const killed = await h.db.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'order-changes' AND datname = current_database()`,
    )
    expect(killed.rowCount).toBeGreaterThan(0)
    await b.deliver(events.paymentCompleted(o))
    expect(order(await s.next()).status).toBe('PAID')
    s.close()
  })
})

/** The orders of every `event: order` frame in a stream's text. */
const frames = (text: string) => [...text.matchAll(/^event: order\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1]) as OrderView)

describe('GET /orders/:id/events?until=settled', () => {
  it('ends the stream after the frame that shows PAID, and the next stream reuses the connection', async () => {
    let connections = 0
    const counted = () => connections++
    h.app.server.on('connection', counted)
    // One connection: a second request can only go out on it once the first answer has ended normally.
    const client = new Client(urlA, { pipelining: 1 })
    try {
      const o = await h.placed(alice)
      const headers = { accept: 'text/event-stream', ...(await h.auth(alice)) }
      const res = await client.request({ method: 'GET', path: `/orders/${o.id}/events?until=settled`, headers })
      expect(res.statusCode).toBe(200)
      let text = ''
      let paying = false
      for await (const chunk of res.body) {
        text += (chunk as Buffer).toString('utf8')
        // Paid by the other replica once the first frame is in: the stream hears it through NOTIFY.
        if (!paying && frames(text).length === 1) {
          paying = true
          await b.deliver(events.paymentCompleted(o))
        }
      }
      // The loop ends only at a normal end of the answer: an aborted one throws.
      expect(frames(text).map((f) => f.status)).toEqual(['PENDING_PAYMENT', 'PAID'])

      const paid = await h.placed(alice)
      await h.deliver(events.paymentCompleted(paid))
      const again = await client.request({ method: 'GET', path: `/orders/${paid.id}/events?until=settled`, headers })
      expect(frames(await again.body.text()).map((f) => f.status)).toEqual(['PAID'])
      expect(connections).toBe(1)
    } finally {
      h.app.server.off('connection', counted)
      await client.close()
    }
  })

  it('an order already paid, or already cancelled, is sent once and the stream ends', async () => {
    const paid = await h.placed(alice)
    await h.deliver(events.paymentCompleted(paid))
    const s = await follow(urlB, alice, paid.id, '?until=settled&timeout=300')
    expect(order(await s.next()).status).toBe('PAID')
    await s.ended
    expect(frames(s.raw())).toHaveLength(1)

    const cancelled = await h.placed(alice)
    await h.app.inject({ method: 'PUT', url: `/orders/${cancelled.id}/cancel`, headers: await h.auth(alice), payload: {} })
    const c = await follow(urlA, alice, cancelled.id, '?until=settled')
    expect(order(await c.next()).status).toBe('CANCELLED')
    await c.ended
  })

  it('a failed payment attempt does not end it (the order stays payable); the payment that follows does', async () => {
    const o = await h.placed(alice)
    const s = await follow(urlA, alice, o.id, '?until=settled')
    order(await s.next())
    await h.deliver(events.paymentFailed(o))
    const failed = order(await s.next())
    expect(failed.status).toBe('PENDING_PAYMENT')
    expect(failed.payment).toMatchObject({ status: 'FAILED' })
    await h.deliver(events.paymentCompleted(o))
    expect(order(await s.next()).status).toBe('PAID')
    await s.ended
  })

  it('without it, the stream goes on past PAID and shows the shipment', async () => {
    const o = await h.placed(alice)
    const s = await follow(urlA, alice, o.id)
    order(await s.next())
    await h.deliver(events.paymentCompleted(o))
    expect(order(await s.next()).status).toBe('PAID')
    await h.deliver(events.shipmentDispatched(o, '612345678901'))
    expect(order(await s.next()).status).toBe('SHIPPED')
    s.close()
  })

  it('any other value is 400 validation_failed naming the parameter', async () => {
    const o = await h.placed(alice)
    for (const v of ['paid', 'SETTLED', '']) {
      const res = await h.app.inject({ method: 'GET', url: `/orders/${o.id}/events?until=${v}`, headers: await h.auth(alice) })
      expect(res.statusCode).toBe(400)
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [expect.objectContaining({ path: expect.stringContaining('until') })] })
    }
  })
})
