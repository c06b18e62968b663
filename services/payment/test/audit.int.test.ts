import { randomUUID } from 'node:crypto'
import type { Payment } from '@shop/contracts/payment'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PaymentHarness, startPayments } from './helpers.ts'

// GET /internal/audit: every payment with its charges, refunds and the PG simulator's
// own books, for the gateway's consistency auditor.
let h: PaymentHarness
let admin: string

beforeAll(async () => {
  h = await startPayments({ prefix: 'pay_audit' })
  admin = await h.adminToken()
})
afterAll(async () => {
  await h?.close()
})

interface Facts {
  paymentId: string
  orderId: string
  status: string
  amount: number
  refundedAmount: number
  charges: { approved: number; captured: number; unsettled: number }
  refunds: { done: number; pending: number; oldestPendingAt: string | null }
  bank: { charges: number; charged: number; cancelled: number } | null
}

const page = (query = '', token: string | null = admin) =>
  h.app.inject({ method: 'GET', url: `/internal/audit${query}`, headers: token ? { authorization: `Bearer ${token}` } : {} })

async function allFacts(limit = 500): Promise<Facts[]> {
  const out: Facts[] = []
  let cursor: string | null = null
  do {
    const res = await page(`?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
    expect(res.statusCode, res.body).toBe(200)
    out.push(...res.json().items)
    cursor = res.json().nextCursor
  } while (cursor)
  return out
}
const factsOf = async (orderId: string) => (await allFacts()).find((f) => f.orderId === orderId) as Facts

async function paidOrder(total: number, token = 'tok_success') {
  const o = await h.createOrder({ total })
  const res = await h.pay(o.token, { orderId: o.orderId, amount: total, method: 'card', paymentToken: token })
  expect(res.statusCode).toBe(201)
  return { ...o, payment: res.json<Payment>() }
}

describe('GET /internal/audit (payment)', () => {
  it('refuses a request without a token (401) and a customer (403)', async () => {
    expect((await page('', null)).statusCode).toBe(401)
    expect((await page('', await h.tokenFor(randomUUID()))).statusCode).toBe(403)
  })

  it('shows a prepared, a declined, a captured and a partly refunded payment with the simulator agreeing', async () => {
    const prepared = await h.createOrder({ total: 5_000, prepared: true })
    const declined = await paidOrder(6_000, 'tok_declined')
    const captured = await paidOrder(7_000)
    const refunded = await paidOrder(8_000)
    const r = await h.app.inject({
      method: 'POST',
      url: `/payments/${refunded.payment.id}/refund`,
      headers: { authorization: `Bearer ${admin}` },
      payload: { amount: 3_000, reason: 'one item missing' },
    })
    expect(r.statusCode).toBe(200)

    const body = (await page()).json()
    expect(body).toMatchObject({ service: 'payment', pgProvider: 'simulator' })
    expect(await factsOf(prepared.orderId)).toMatchObject({
      status: 'READY',
      amount: 5_000,
      charges: { approved: 0, captured: 0, unsettled: 0 },
      bank: { charges: 0, charged: 0, cancelled: 0 },
    })
    expect(await factsOf(declined.orderId)).toMatchObject({ status: 'FAILED', charges: { approved: 0, captured: 0 }, bank: { charges: 0 } })
    expect(await factsOf(captured.orderId)).toMatchObject({
      paymentId: captured.payment.id,
      status: 'COMPLETED',
      amount: 7_000,
      refundedAmount: 0,
      charges: { approved: 1, captured: 7_000, unsettled: 0 },
      refunds: { done: 0, pending: 0, oldestPendingAt: null },
      bank: { charges: 1, charged: 7_000, cancelled: 0 },
    })
    expect(await factsOf(refunded.orderId)).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refundedAmount: 3_000,
      charges: { approved: 1, captured: 8_000 },
      refunds: { done: 3_000, pending: 0 },
      bank: { charges: 1, charged: 8_000, cancelled: 3_000 },
    })
  })

  it('a refund reserved but not yet sent shows as pending with its age', async () => {
    const o = await paidOrder(9_000)
    await h.db.pool.query(
      `INSERT INTO refunds (id, payment_id, amount, reason, pg_key, status) VALUES ($1, $2, 9000, 'test', $3, 'PENDING')`,
      [randomUUID(), o.payment.id, `refund-${randomUUID()}`],
    )
    const f = await factsOf(o.orderId)
    expect(f.refunds).toMatchObject({ done: 0, pending: 9_000 })
    expect(Date.parse(f.refunds.oldestPendingAt as string)).toBeLessThanOrEqual(Date.now())
  })

  it('pages by order id until nextCursor is null, each payment once', async () => {
    const everything = await allFacts()
    const paged = await allFacts(2)
    expect(everything.length).toBeGreaterThan(3)
    expect(paged.map((f) => f.orderId)).toEqual(everything.map((f) => f.orderId))
    expect(paged.map((f) => f.orderId)).toEqual([...paged.map((f) => f.orderId)].sort())
  })
})
