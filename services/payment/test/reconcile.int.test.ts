import { randomUUID } from 'node:crypto'
import type { Payment } from '@shop/contracts/payment'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reconcileAll } from '../src/use-cases/reconcile.ts'
import { reconcilerWorker } from '../src/workers/reconciler.worker.ts'
import { type PaymentHarness, paymentOfOrder, startPayments } from './helpers.ts'

// Timeouts are what this file is about; a short PG timeout keeps it fast. Short, but long
// enough that a charge meant to succeed (the simulator answers at once here) does not time
// out on a loaded machine: at 600 ms one did in CI (and was rightly voided and charged again).
const TIMEOUT_MS = 1500
const pay = (orderId: string, amount: number, paymentToken: string) => ({ orderId, amount, method: 'card', paymentToken })

describe('a PG that does not answer (tok_timeout)', () => {
  let h: PaymentHarness
  beforeAll(async () => {
    h = await startPayments({ prefix: 'pay_timeout', env: { PG_TIMEOUT_MS: String(TIMEOUT_MS) } })
  })
  afterAll(async () => {
    await h?.close()
  })

  it('answers 503 upstream_unavailable with Retry-After, charges nothing, and leaves the payment PROCESSING', async () => {
    const o = await h.createOrder()
    const res = await h.pay(o.token, pay(o.orderId, o.total, 'tok_timeout'))
    expect(res.statusCode).toBe(503)
    expect(res.json().code).toBe('upstream_unavailable')
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect(await h.charges(o.orderId)).toBe(0)
    expect((await paymentOfOrder(h.db, o.orderId))?.status).toBe('PROCESSING')
    const { rows } = await h.db.pool.query('SELECT a.status FROM payment_attempts a JOIN payments p ON p.id = a.payment_id WHERE p.order_id = $1', [o.orderId])
    expect(rows).toEqual([{ status: 'UNKNOWN' }])
  })

  it('the reconciler asks the PG, settles the charge FAILED pg_timeout, and the order is payable again', async () => {
    const o = await h.createOrder()
    expect((await h.pay(o.token, pay(o.orderId, o.total, 'tok_timeout'))).statusCode).toBe(503)

    const settled = await reconcileAll(h.payments)
    expect(settled.attempts).toBeGreaterThanOrEqual(1)
    const payment = await paymentOfOrder(h.db, o.orderId)
    const view = await h.get(o.token, payment?.id as string)
    expect(view).toMatchObject({ status: 'FAILED', failureCode: 'pg_timeout' })
    expect((await h.outbox('payment.failed')).filter((e) => e.orderId === o.orderId)).toMatchObject([{ failureCode: 'pg_timeout' }])

    const paid = await h.pay(o.token, pay(o.orderId, o.total, 'tok_success'))
    expect(paid.statusCode).toBe(201)
    expect(paid.json().status).toBe('COMPLETED')
    expect(await h.charges(o.orderId)).toBe(1)
  })

  it('the next POST for the payment reconciles inline, without waiting for the worker', async () => {
    const o = await h.createOrder()
    const key = randomUUID()
    expect((await h.pay(o.token, pay(o.orderId, o.total, 'tok_timeout'), key)).statusCode).toBe(503)
    // The same request retried (same key and body) finds out the first try charged nothing and tries again: 503 again.
    expect((await h.pay(o.token, pay(o.orderId, o.total, 'tok_timeout'), key)).statusCode).toBe(503)
    const paid = await h.pay(o.token, pay(o.orderId, o.total, 'tok_success'))
    expect(paid.statusCode).toBe(201)
    expect(paid.json().status).toBe('COMPLETED')
    expect(await h.charges(o.orderId)).toBe(1)
    const { rows } = await h.db.pool.query(
      `SELECT a.status, a.failure_code FROM payment_attempts a JOIN payments p ON p.id = a.payment_id
        WHERE p.order_id = $1 ORDER BY a.started_at`,
      [o.orderId],
    )
    expect(rows).toEqual([
      { status: 'DECLINED', failure_code: 'pg_timeout' },
      { status: 'DECLINED', failure_code: 'pg_timeout' },
      { status: 'APPROVED', failure_code: null },
    ])
  })

  it('the reconciler worker settles timed-out charges on its own', async () => {
    const o = await h.createOrder()
    expect((await h.pay(o.token, pay(o.orderId, o.total, 'tok_timeout'))).statusCode).toBe(503)
    const worker = reconcilerWorker(h.payments, 50)
    worker.start()
    try {
      await expect.poll(async () => (await paymentOfOrder(h.db, o.orderId))?.status, { timeout: 5000 }).toBe('FAILED')
    } finally {
      await worker.stop()
    }
    expect(await h.charges(o.orderId)).toBe(0)
  })
})

describe('a PG that charges and then does not answer', () => {
  let h: PaymentHarness
  beforeAll(async () => {
    h = await startPayments({
      prefix: 'pay_charged',
      env: { PG_TIMEOUT_MS: String(TIMEOUT_MS), PG_SIMULATOR_TIMEOUT_RATE: '1', PG_SIMULATOR_TIMEOUT_CHARGES: 'always' },
    })
  })
  afterAll(async () => {
    await h?.close()
  })

  it('reconciles to COMPLETED with payment.completed and no second charge', async () => {
    const o = await h.createOrder()
    const res = await h.pay(o.token, pay(o.orderId, o.total, 'tok_success'))
    expect(res.statusCode).toBe(503)
    expect(await h.charges(o.orderId)).toBe(1)

    await reconcileAll(h.payments)
    const payment = await paymentOfOrder(h.db, o.orderId)
    expect(payment?.status).toBe('COMPLETED')
    expect((await h.outbox('payment.completed')).filter((e) => e.orderId === o.orderId)).toHaveLength(1)
    // Paying again is refused: the order is paid, and the ledger still holds one charge.
    const again = await h.pay(o.token, pay(o.orderId, o.total, 'tok_success'))
    expect(again.statusCode).toBe(409)
    expect(await h.charges(o.orderId)).toBe(1)
  })

  it('a retry of the timed-out request (same key) learns that it paid: 201 COMPLETED, still one charge', async () => {
    const o = await h.createOrder()
    const key = randomUUID()
    expect((await h.pay(o.token, pay(o.orderId, o.total, 'tok_success'), key)).statusCode).toBe(503)
    const retry = await h.pay(o.token, pay(o.orderId, o.total, 'tok_success'), key)
    expect(retry.statusCode).toBe(201)
    expect(retry.json<Payment>().status).toBe('COMPLETED')
    expect(await h.charges(o.orderId)).toBe(1)
  })
})

describe('the fault mode: timeouts that charged or not, decided per key', () => {
  let h: PaymentHarness
  beforeAll(async () => {
    h = await startPayments({
      prefix: 'pay_faults',
      env: { PG_TIMEOUT_MS: String(TIMEOUT_MS), PG_SIMULATOR_TIMEOUT_RATE: '1', PG_SIMULATOR_TIMEOUT_CHARGES: 'per_key' },
    })
  })
  afterAll(async () => {
    await h?.close()
  })

  it('every timed-out order reconciles to what the ledger holds: COMPLETED with one charge, or FAILED with none', async () => {
    const orders = await Promise.all(Array.from({ length: 8 }, () => h.createOrder()))
    const answers = await Promise.all(orders.map((o) => h.pay(o.token, pay(o.orderId, o.total, 'tok_success'))))
    expect(answers.map((a) => a.statusCode)).toEqual(Array(8).fill(503))
    await reconcileAll(h.payments)
    for (const o of orders) {
      const charged = await h.charges(o.orderId)
      expect(charged).toBeLessThanOrEqual(1)
      expect((await paymentOfOrder(h.db, o.orderId))?.status).toBe(charged ? 'COMPLETED' : 'FAILED')
    }
    // A late confirm for a key the reconciler found uncharged can no longer charge: the key is void.
    const { rows } = await h.db.pool.query(`SELECT count(*)::int AS n FROM pg_simulator_ledger WHERE outcome = 'voided'`)
    expect(rows[0].n + (await h.charges())).toBe(8)
  })
})
