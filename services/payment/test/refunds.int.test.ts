import { randomUUID } from 'node:crypto'
import type { Payment } from '@shop/contracts/payment'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PaymentHarness, startPayments } from './helpers.ts'

let h: PaymentHarness
let admin: string

beforeAll(async () => {
  h = await startPayments({ prefix: 'pay_refund' })
  admin = await h.adminToken()
})

afterAll(async () => {
  await h?.close()
})

async function paidOrder(total = 10_000): Promise<{ payment: Payment; token: string }> {
  const o = await h.createOrder({ total })
  const res = await h.pay(o.token, { orderId: o.orderId, amount: total, method: 'card', paymentToken: 'tok_success' })
  expect(res.statusCode).toBe(201)
  return { payment: res.json<Payment>(), token: o.token }
}

const refund = (paymentId: string, payload: Record<string, unknown>, token = admin, key?: string) =>
  h.app.inject({
    method: 'POST',
    url: `/payments/${paymentId}/refund`,
    headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) },
    payload,
  })

/** What the simulator's bank has given back for the payment's charge. */
async function refundedAtPg(paymentId: string): Promise<number> {
  const { rows } = await h.db.pool.query(
    `SELECT COALESCE(sum(l.amount), 0)::int AS total FROM pg_simulator_ledger l
       JOIN payments p ON p.pg_transaction_id = l.transaction_id
      WHERE p.id = $1 AND l.kind = 'cancel' AND l.outcome = 'approved'`,
    [paymentId],
  )
  return rows[0].total
}

describe('POST /payments/:id/refund', () => {
  it('a partial refund then the rest: PARTIALLY_REFUNDED, then REFUNDED, each with payment.refunded', async () => {
    const { payment } = await paidOrder(10_000)
    const first = await refund(payment.id, { amount: 4_000, reason: 'one item missing' })
    expect(first.statusCode).toBe(200)
    expect(first.json()).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedAmount: 4_000, refunds: [{ amount: 4_000, reason: 'one item missing' }] })

    const rest = await refund(payment.id, { reason: 'customer returned the rest' })
    expect(rest.statusCode).toBe(200)
    const view = rest.json<Payment>()
    expect(view).toMatchObject({ status: 'REFUNDED', refundedAmount: 10_000 })
    expect(view.refunds.map((r) => r.amount)).toEqual([4_000, 6_000])
    expect(view.refunds.every((r) => typeof r.at === 'string' && typeof r.id === 'string')).toBe(true)

    expect((await h.outbox('payment.refunded')).filter((e) => e.paymentId === payment.id)).toEqual([
      { paymentId: payment.id, orderId: payment.orderId, amount: 4_000, refundedAmount: 4_000, reason: 'one item missing' },
      { paymentId: payment.id, orderId: payment.orderId, amount: 6_000, refundedAmount: 10_000, reason: 'customer returned the rest' },
    ])
    expect(await refundedAtPg(payment.id)).toBe(10_000)
  })

  it('more than remains is 409 conflict, and nothing is refunded', async () => {
    const { payment } = await paidOrder(10_000)
    expect((await refund(payment.id, { amount: 7_000, reason: 'first' })).statusCode).toBe(200)
    const over = await refund(payment.id, { amount: 3_001, reason: 'too much' })
    expect(over.statusCode).toBe(409)
    expect(over.json().code).toBe('conflict')
    expect(await refundedAtPg(payment.id)).toBe(7_000)
  })

  it('a payment with nothing captured, or already refunded in full, is 409 invalid_state', async () => {
    const o = await h.createOrder()
    const failed = (await h.pay(o.token, { orderId: o.orderId, amount: o.total, method: 'card', paymentToken: 'tok_declined' })).json<Payment>()
    const res = await refund(failed.id, { reason: 'nothing to give back' })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('invalid_state')

    const { payment } = await paidOrder(5_000)
    expect((await refund(payment.id, { reason: 'all' })).statusCode).toBe(200)
    const again = await refund(payment.id, { reason: 'all again' })
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('invalid_state')
  })

  it('concurrent refunds never add up to more than was captured', async () => {
    const { payment } = await paidOrder(10_000)
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => refund(payment.id, { amount: 3_000, reason: `refund ${i}` })))
    const ok = answers.filter((a) => a.statusCode === 200)
    expect(ok).toHaveLength(3)
    expect(answers.filter((a) => a.statusCode === 409)).toHaveLength(5)
    const view = await h.get(admin, payment.id)
    expect(view.refundedAmount).toBe(9_000)
    expect(view.status).toBe('PARTIALLY_REFUNDED')
    expect(await refundedAtPg(payment.id)).toBe(9_000)
  })

  it('a customer, even the owner, gets 403; an unknown payment 404', async () => {
    const { payment, token } = await paidOrder()
    const res = await refund(payment.id, { reason: 'please' }, token)
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('forbidden')
    expect((await refund(randomUUID(), { reason: 'x' })).statusCode).toBe(404)
    expect(await refundedAtPg(payment.id)).toBe(0)
  })

  it('with an Idempotency-Key, a replay answers the stored response and refunds once', async () => {
    const { payment } = await paidOrder(8_000)
    const key = randomUUID()
    const first = await refund(payment.id, { amount: 2_000, reason: 'late delivery' }, admin, key)
    const again = await refund(payment.id, { amount: 2_000, reason: 'late delivery' }, admin, key)
    expect(again.statusCode).toBe(200)
    expect(again.json()).toEqual(first.json())
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(await refundedAtPg(payment.id)).toBe(2_000)
  })

  it('an invalid body is 400: a zero amount, a missing reason, an unknown field', async () => {
    const { payment } = await paidOrder()
    expect((await refund(payment.id, { amount: 0, reason: 'x' })).statusCode).toBe(400)
    expect((await refund(payment.id, { amount: 100 })).statusCode).toBe(400)
    expect((await refund(payment.id, { reason: 'x', extra: true })).statusCode).toBe(400)
    expect(await refundedAtPg(payment.id)).toBe(0)
  })
})
