import { randomUUID } from 'node:crypto'
import type { Payment } from '@shop/contracts/payment'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PgOutcomeUnknown } from '../src/domain/payment-gateway.ts'
import { createTossGateway } from '../src/gateways/toss.gateway.ts'
import { reconcileAll } from '../src/use-cases/reconcile.ts'
import { type FakeToss, startFakeToss } from './fake-toss.ts'
import { type PaymentHarness, paymentOfOrder, startPayments } from './helpers.ts'

let toss: FakeToss

beforeAll(async () => {
  toss = await startFakeToss()
})

afterAll(async () => {
  await toss?.close()
})

const signal = () => AbortSignal.timeout(5000)
const lastCall = () => toss.calls.at(-1)

describe('the Toss adapter against a local fake of the Toss API', () => {
  const adapter = () => createTossGateway({ apiBase: toss.url, secretKey: toss.secretKey })

  it('confirm: POST /v1/payments/confirm with Basic auth, Idempotency-Key and { paymentKey, orderId, amount }', async () => {
    const orderId = randomUUID()
    const result = await adapter().confirm({ paymentId: randomUUID(), orderId, amount: 15_000, token: 'pk_ok_1', idempotencyKey: 'charge-1' }, signal())
    expect(result).toMatchObject({ status: 'approved', pgTransactionId: 'pk_ok_1' })
    expect(result.status === 'approved' && result.approvedAt instanceof Date).toBe(true)
    const call = lastCall()
    expect(call).toMatchObject({ method: 'POST', path: '/v1/payments/confirm', body: { paymentKey: 'pk_ok_1', orderId, amount: 15_000 } })
    expect(call?.headers.authorization).toBe(`Basic ${Buffer.from(`${toss.secretKey}:`).toString('base64')}`)
    expect(call?.headers['idempotency-key']).toBe('charge-1')
  })

  it('a repeated confirm with the same Idempotency-Key gets the same answer and charges once', async () => {
    const req = { paymentId: randomUUID(), orderId: randomUUID(), amount: 1_000, token: 'pk_ok_2', idempotencyKey: 'charge-2' }
    const before = toss.charges()
    const first = await adapter().confirm(req, signal())
    const again = await adapter().confirm(req, signal())
    expect(again).toEqual(first)
    expect(toss.charges()).toBe(before + 1)
  })

  it('maps Toss decline codes to failure codes', async () => {
    const base = { paymentId: randomUUID(), orderId: randomUUID(), amount: 1_000 }
    const rejected = await adapter().confirm({ ...base, token: 'pk_reject_1', idempotencyKey: 'charge-3' }, signal())
    expect(rejected).toMatchObject({ status: 'declined', code: 'card_declined', message: expect.stringContaining('REJECT_CARD_PAYMENT') })
    const broke = await adapter().confirm({ ...base, token: 'pk_balance_1', idempotencyKey: 'charge-4' }, signal())
    expect(broke).toMatchObject({ status: 'declined', code: 'insufficient_funds' })
  })

  it('a 5xx, or a code that leaves the outcome open, is an unknown outcome, not a decline', async () => {
    const base = { paymentId: randomUUID(), orderId: randomUUID(), amount: 1_000 }
    await expect(adapter().confirm({ ...base, token: 'pk_error_1', idempotencyKey: 'charge-5' }, signal())).rejects.toBeInstanceOf(PgOutcomeUnknown)
    await adapter().confirm({ ...base, token: 'pk_ok_3', idempotencyKey: 'charge-6' }, signal())
    // Same paymentKey, new key: Toss says ALREADY_PROCESSED_PAYMENT, which only a lookup can settle.
    await expect(adapter().confirm({ ...base, token: 'pk_ok_3', idempotencyKey: 'charge-7' }, signal())).rejects.toBeInstanceOf(PgOutcomeUnknown)
  })

  it('cancel: POST /v1/payments/{paymentKey}/cancel with { cancelReason, cancelAmount } and Idempotency-Key; too much is rejected', async () => {
    await adapter().confirm({ paymentId: randomUUID(), orderId: randomUUID(), amount: 9_000, token: 'pk_ok_4', idempotencyKey: 'charge-8' }, signal())
    const cancelled = await adapter().cancel({ pgTransactionId: 'pk_ok_4', amount: 4_000, reason: 'damaged', idempotencyKey: 'refund-1' }, signal())
    expect(cancelled).toMatchObject({ status: 'cancelled' })
    expect(lastCall()).toMatchObject({ method: 'POST', path: '/v1/payments/pk_ok_4/cancel', body: { cancelReason: 'damaged', cancelAmount: 4_000 } })
    expect(lastCall()?.headers['idempotency-key']).toBe('refund-1')
    expect(toss.payment('pk_ok_4')).toMatchObject({ status: 'PARTIAL_CANCELED', balanceAmount: 5_000 })
    const over = await adapter().cancel({ pgTransactionId: 'pk_ok_4', amount: 6_000, reason: 'too much', idempotencyKey: 'refund-2' }, signal())
    expect(over).toEqual({ status: 'rejected', code: 'NOT_CANCELABLE_AMOUNT', message: expect.any(String) })
  })

  it('lookup: GET /v1/payments/orders/{orderId}; a DONE payment is approved, an unknown order not found', async () => {
    const orderId = randomUUID()
    await adapter().confirm({ paymentId: randomUUID(), orderId, amount: 2_000, token: 'pk_ok_5', idempotencyKey: 'charge-9' }, signal())
    expect(await adapter().lookup({ orderId, idempotencyKey: 'charge-9' }, signal())).toMatchObject({ status: 'approved', pgTransactionId: 'pk_ok_5' })
    expect(lastCall()).toMatchObject({ method: 'GET', path: `/v1/payments/orders/${orderId}` })
    expect(await adapter().lookup({ orderId: randomUUID(), idempotencyKey: 'x' }, signal())).toEqual({ status: 'not_found' })
  })
})

describe('the payment service with PAYMENT_PROVIDER=toss', () => {
  let h: PaymentHarness
  beforeAll(async () => {
    // Short for the hanging confirm below, long enough that the stand-in's immediate
    // answers never time out on a loaded machine.
    h = await startPayments({
      prefix: 'pay_toss',
      env: { PAYMENT_PROVIDER: 'toss', TOSS_API_BASE: toss.url, TOSS_SECRET_KEY: toss.secretKey, PG_TIMEOUT_MS: '1500' },
    })
  })
  afterAll(async () => {
    await h?.close()
  })

  const pay = (orderId: string, amount: number, paymentToken: string) => ({ orderId, amount, method: 'easy_pay', paymentToken })

  it('pays through Toss with the attempt key as Idempotency-Key, and refunds through Toss cancel', async () => {
    const o = await h.createOrder({ total: 21_000 })
    const res = await h.pay(o.token, pay(o.orderId, 21_000, 'pk_app_1'))
    expect(res.statusCode).toBe(201)
    const payment = res.json<Payment>()
    expect(payment).toMatchObject({ status: 'COMPLETED', method: 'easy_pay' })
    const confirm = toss.calls.find((c) => c.path === '/v1/payments/confirm' && c.body?.paymentKey === 'pk_app_1')
    expect(confirm?.headers['idempotency-key']).toMatch(/^charge-[0-9a-f-]{36}$/)
    expect(confirm?.body).toEqual({ paymentKey: 'pk_app_1', orderId: o.orderId, amount: 21_000 })

    const refund = await h.app.inject({
      method: 'POST',
      url: `/payments/${payment.id}/refund`,
      headers: { authorization: `Bearer ${await h.adminToken()}` },
      payload: { reason: 'changed mind' },
    })
    expect(refund.json()).toMatchObject({ status: 'REFUNDED', refundedAmount: 21_000 })
    expect(toss.payment('pk_app_1')).toMatchObject({ status: 'CANCELED', balanceAmount: 0 })
  })

  it('a Toss rejection is 201 FAILED card_declined', async () => {
    const o = await h.createOrder()
    const res = await h.pay(o.token, pay(o.orderId, o.total, 'pk_reject_app'))
    expect(res.json()).toMatchObject({ status: 'FAILED', failureCode: 'card_declined' })
  })

  it('a Toss confirm that charged but never answered is 503, then reconciled to COMPLETED by lookup', async () => {
    const o = await h.createOrder()
    const before = toss.charges()
    expect((await h.pay(o.token, pay(o.orderId, o.total, 'pk_hang_app'))).statusCode).toBe(503)
    await reconcileAll(h.payments)
    expect((await paymentOfOrder(h.db, o.orderId))?.status).toBe('COMPLETED')
    expect(toss.charges()).toBe(before + 1)
  })
})
