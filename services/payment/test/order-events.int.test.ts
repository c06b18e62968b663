import type { Payment } from '@shop/contracts/payment'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PaymentHarness, paymentOfOrder, startPayments } from './helpers.ts'

const pay = (orderId: string, amount: number, paymentToken = 'tok_success') => ({ orderId, amount, method: 'card', paymentToken })
const cancelled = (orderId: string, userId: string, previousStatus = 'PENDING_PAYMENT') => ({
  orderId,
  userId,
  reason: 'customer_request',
  previousStatus,
})

describe('order.cancelled', () => {
  let h: PaymentHarness
  beforeAll(async () => {
    h = await startPayments({ prefix: 'pay_cancel' })
  })
  afterAll(async () => {
    await h?.close()
  })

  it('a READY payment becomes CANCELLED and cannot be paid', async () => {
    const o = await h.createOrder({ prepared: true })
    await h.deliver('order.cancelled', cancelled(o.orderId, o.userId))
    expect((await paymentOfOrder(h.db, o.orderId))?.status).toBe('CANCELLED')
    expect((await h.pay(o.token, pay(o.orderId, o.total))).statusCode).toBe(409)
    expect(await h.outbox('payment.refunded')).not.toContainEqual(expect.objectContaining({ orderId: o.orderId }))
  })

  it('a FAILED payment becomes CANCELLED', async () => {
    const o = await h.createOrder()
    expect((await h.pay(o.token, pay(o.orderId, o.total, 'tok_declined'))).json().status).toBe('FAILED')
    await h.deliver('order.cancelled', cancelled(o.orderId, o.userId))
    expect((await paymentOfOrder(h.db, o.orderId))?.status).toBe('CANCELLED')
  })

  it('a COMPLETED payment is refunded in full at the PG: REFUNDED and payment.refunded', async () => {
    const o = await h.createOrder({ total: 18_000 })
    const paid = (await h.pay(o.token, pay(o.orderId, 18_000))).json<Payment>()
    await h.deliver('order.cancelled', cancelled(o.orderId, o.userId, 'PAID'))
    const view = await h.get(o.token, paid.id)
    expect(view).toMatchObject({ status: 'REFUNDED', refundedAmount: 18_000, refunds: [{ amount: 18_000, reason: 'order cancelled: customer_request' }] })
    expect((await h.outbox('payment.refunded')).filter((e) => e.orderId === o.orderId)).toEqual([
      { paymentId: paid.id, orderId: o.orderId, amount: 18_000, refundedAmount: 18_000, reason: 'order cancelled: customer_request' },
    ])
    const { rows } = await h.db.pool.query(
      `SELECT sum(c.amount)::int AS refunded FROM pg_simulator_ledger c
         JOIN pg_simulator_ledger ch ON ch.transaction_id = c.transaction_id AND ch.kind = 'charge'
        WHERE c.kind = 'cancel' AND c.outcome = 'approved' AND ch.order_id = $1`,
      [o.orderId],
    )
    expect(rows[0].refunded).toBe(18_000)
  })

  it('a redelivered order.cancelled refunds nothing more', async () => {
    const o = await h.createOrder({ total: 9_000 })
    const paid = (await h.pay(o.token, pay(o.orderId, 9_000))).json<Payment>()
    const event = await h.deliver('order.cancelled', cancelled(o.orderId, o.userId, 'PAID'))
    await h.deliver('order.cancelled', cancelled(o.orderId, o.userId, 'PAID'), { id: event.id })
    // Another cancellation event for the same order (a second id) finds nothing left to refund.
    await h.deliver('order.cancelled', cancelled(o.orderId, o.userId, 'PAID'))
    expect(await h.get(o.token, paid.id)).toMatchObject({ status: 'REFUNDED', refundedAmount: 9_000 })
    expect((await h.outbox('payment.refunded')).filter((e) => e.orderId === o.orderId)).toHaveLength(1)
  })

  it('a PARTIALLY_REFUNDED payment is refunded for what remains', async () => {
    const o = await h.createOrder({ total: 20_000 })
    const paid = (await h.pay(o.token, pay(o.orderId, 20_000))).json<Payment>()
    const partial = await h.app.inject({
      method: 'POST',
      url: `/payments/${paid.id}/refund`,
      headers: { authorization: `Bearer ${await h.adminToken()}` },
      payload: { amount: 5_000, reason: 'damaged box' },
    })
    expect(partial.json().status).toBe('PARTIALLY_REFUNDED')
    await h.deliver('order.cancelled', cancelled(o.orderId, o.userId, 'PAID'))
    expect(await h.get(o.token, paid.id)).toMatchObject({ status: 'REFUNDED', refundedAmount: 20_000 })
    expect((await h.outbox('payment.refunded')).filter((e) => e.orderId === o.orderId).map((e) => e.amount)).toEqual([5_000, 15_000])
  })

  it('an order cancelled before anyone paid it is recorded CANCELLED, and is never made payable by a payment request', async () => {
    const o = await h.createOrder({ total: 7_000 })
    await h.deliver('order.cancelled', cancelled(o.orderId, o.userId))
    expect((await paymentOfOrder(h.db, o.orderId))?.status).toBe('CANCELLED')
    // The order service has not said so yet: the record decides.
    const res = await h.pay(o.token, pay(o.orderId, 7_000))
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('invalid_state')
    expect((await paymentOfOrder(h.db, o.orderId))?.status).toBe('CANCELLED')
    expect(await h.charges(o.orderId)).toBe(0)
  })
})

describe('order.cancelled while the charge is in flight', () => {
  let h: PaymentHarness
  beforeAll(async () => {
    // A slow PG, so the cancellation lands while the charge is on its way.
    h = await startPayments({ prefix: 'pay_inflight', env: { PG_SIMULATOR_LATENCY_MS: '400' } })
  })
  afterAll(async () => {
    await h?.close()
  })

  it('the charge completes, and the payment is refunded automatically', async () => {
    const o = await h.createOrder({ total: 33_000 })
    const answer = h.pay(o.token, pay(o.orderId, 33_000))
    await expect.poll(async () => (await paymentOfOrder(h.db, o.orderId))?.status, { interval: 10 }).toBe('PROCESSING')
    await h.deliver('order.cancelled', cancelled(o.orderId, o.userId))
    const res = await answer
    // The request that charged also sent the refund, once its charge was in: it answers REFUNDED.
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ status: 'REFUNDED', refundedAmount: 33_000 })
    expect(await h.get(o.token, res.json<Payment>().id)).toMatchObject({ status: 'REFUNDED', refundedAmount: 33_000 })
    expect((await h.outbox('payment.completed')).filter((e) => e.orderId === o.orderId)).toHaveLength(1)
    expect((await h.outbox('payment.refunded')).filter((e) => e.orderId === o.orderId)).toMatchObject([
      { amount: 33_000, refundedAmount: 33_000 },
    ])
    expect(await h.charges(o.orderId)).toBe(1)
  })
})
