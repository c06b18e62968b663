import { randomUUID } from 'node:crypto'
import type { Payment } from '@shop/contracts/payment'
import { withTransaction } from '@shop/platform/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAttempt } from '../src/data/attempt.repository.ts'
import { settleCharge } from '../src/use-cases/settle-charge.ts'
import { orderCreated, type PaymentHarness, paymentOfOrder, type StandInOrder, startPayments } from './helpers.ts'

let h: PaymentHarness

beforeAll(async () => {
  h = await startPayments({ prefix: 'pay' })
})

afterAll(async () => {
  await h?.close()
})

const body = (orderId: string, amount: number, paymentToken = 'tok_success') => ({ orderId, amount, method: 'card', paymentToken })

describe('where an order’s payment comes from', () => {
  it('not from order.created (not consumed): the first POST /payments makes it from the order service’s answer, asked with the caller’s token', async () => {
    const o = await h.createOrder({ total: 31_000 })
    await h.deliver('order.created', orderCreated({ orderId: o.orderId, userId: o.userId, total: 31_000 }))
    expect(await paymentOfOrder(h.db, o.orderId)).toBeUndefined()
    const res = await h.pay(o.token, body(o.orderId, 31_000))
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ orderId: o.orderId, userId: o.userId, amount: 31_000, status: 'COMPLETED' })
    expect(h.orderService.seen.filter((r) => r.path === `/orders/${o.orderId}`).map((r) => r.headers.authorization)).toEqual([`Bearer ${o.token}`])
    const { rows } = await h.db.pool.query('SELECT status, amount, user_id FROM payments WHERE order_id = $1', [o.orderId])
    expect(rows).toEqual([{ status: 'COMPLETED', amount: 31_000, user_id: o.userId }])
  })
})

describe('POST /payments', () => {
  it('tok_success answers 201 COMPLETED and puts payment.completed in the outbox', async () => {
    const o = await h.createOrder({ total: 25_000 })
    const res = await h.pay(o.token, body(o.orderId, 25_000))
    expect(res.statusCode).toBe(201)
    const payment = res.json<Payment>()
    expect(payment).toMatchObject({ orderId: o.orderId, userId: o.userId, status: 'COMPLETED', amount: 25_000, refundedAmount: 0, method: 'card', refunds: [] })
    expect(payment.approvedAt).toEqual(expect.any(String))
    expect(payment.failureCode).toBeUndefined()
    const completed = (await h.outbox('payment.completed')).filter((e) => e.orderId === o.orderId)
    expect(completed).toEqual([
      { paymentId: payment.id, orderId: o.orderId, userId: o.userId, amount: 25_000, method: 'card', approvedAt: payment.approvedAt },
    ])
    expect(await h.charges(o.orderId)).toBe(1)
  })

  it("when the key's answer cannot be stored, the charge is not settled without it, and the retry with the key learns it from the PG: COMPLETED, one charge", async () => {
    const o = await h.createOrder({ total: 18_000 })
    const key = randomUUID()
    // The fault: the database refuses to complete any Idempotency-Key at that moment.
    await h.db.pool.query(`
      CREATE FUNCTION refuse_answers() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'answers refused'; END $$;
      CREATE TRIGGER refuse_answers BEFORE UPDATE ON idempotency_keys
        FOR EACH ROW WHEN (NEW.state = 'completed') EXECUTE FUNCTION refuse_answers()`)
    let failed
    try {
      failed = await h.pay(o.token, body(o.orderId, 18_000), key)
    } finally {
      await h.db.pool.query('DROP TRIGGER refuse_answers ON idempotency_keys; DROP FUNCTION refuse_answers()')
    }
    expect(failed.statusCode).toBe(500)
    // The PG charged; the settlement rolled back with the answer, so the payment still waits for its outcome.
    expect(await h.charges(o.orderId)).toBe(1)
    expect(await paymentOfOrder(h.db, o.orderId)).toMatchObject({ status: 'PROCESSING' })
    expect((await h.outbox('payment.completed')).filter((e) => e.orderId === o.orderId)).toEqual([])

    // Straight away the charge may still be in flight, so nothing is charged again: 409.
    const early = await h.pay(o.token, body(o.orderId, 18_000), key)
    expect(early.statusCode).toBe(409)
    expect(await h.charges(o.orderId)).toBe(1)
    // Once the attempt is stale, the retry asks the PG what became of it and answers that.
    await h.db.pool.query(`UPDATE payment_attempts SET started_at = started_at - interval '1 hour' WHERE payment_id = (SELECT id FROM payments WHERE order_id = $1)`, [o.orderId])
    const retry = await h.pay(o.token, body(o.orderId, 18_000), key)
    expect(retry.statusCode).toBe(201)
    expect(retry.json()).toMatchObject({ orderId: o.orderId, status: 'COMPLETED', amount: 18_000 })
    expect(await h.charges(o.orderId)).toBe(1)
    expect((await h.outbox('payment.completed')).filter((e) => e.orderId === o.orderId)).toHaveLength(1)
    const replay = await h.pay(o.token, body(o.orderId, 18_000), key)
    expect(replay.headers['idempotent-replayed']).toBe('true')
    expect(replay.json()).toEqual(retry.json())
  })

  it('a declined card is 201 FAILED with card_declined, and a later good token with a new key completes it with one charge', async () => {
    const o = await h.createOrder({ total: 12_000 })
    const declined = await h.pay(o.token, body(o.orderId, 12_000, 'tok_declined'))
    expect(declined.statusCode).toBe(201)
    expect(declined.json()).toMatchObject({ status: 'FAILED', failureCode: 'card_declined', failureMessage: expect.any(String) })
    expect((await h.outbox('payment.failed')).filter((e) => e.orderId === o.orderId)).toMatchObject([{ failureCode: 'card_declined' }])

    const paid = await h.pay(o.token, body(o.orderId, 12_000, 'tok_success'))
    expect(paid.statusCode).toBe(201)
    expect(paid.json()).toMatchObject({ id: declined.json().id, status: 'COMPLETED' })
    expect(paid.json().failureCode).toBeUndefined()
    expect(await h.charges(o.orderId)).toBe(1)
    const { rows } = await h.db.pool.query(
      'SELECT status, failure_code FROM payment_attempts WHERE payment_id = $1 ORDER BY started_at',
      [paid.json().id],
    )
    expect(rows).toEqual([
      { status: 'DECLINED', failure_code: 'card_declined' },
      { status: 'APPROVED', failure_code: null },
    ])
  })

  it('tok_insufficient_funds fails with insufficient_funds', async () => {
    const o = await h.createOrder()
    const res = await h.pay(o.token, body(o.orderId, o.total, 'tok_insufficient_funds'))
    expect(res.json()).toMatchObject({ status: 'FAILED', failureCode: 'insufficient_funds' })
  })

  it('the same Idempotency-Key and body replay the same 201 body and charge nothing more', async () => {
    const o = await h.createOrder()
    const key = randomUUID()
    const first = await h.pay(o.token, body(o.orderId, o.total), key)
    const again = await h.pay(o.token, body(o.orderId, o.total), key)
    expect(again.statusCode).toBe(201)
    expect(again.json()).toEqual(first.json())
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(await h.charges(o.orderId)).toBe(1)
  })

  it('the same Idempotency-Key with another body is 422 idempotency_key_reuse', async () => {
    const o = await h.createOrder()
    const key = randomUUID()
    await h.pay(o.token, body(o.orderId, o.total, 'tok_declined'), key)
    const reuse = await h.pay(o.token, body(o.orderId, o.total, 'tok_success'), key)
    expect(reuse.statusCode).toBe(422)
    expect(reuse.json().code).toBe('idempotency_key_reuse')
    expect(await h.charges(o.orderId)).toBe(0)
  })

  it('an amount other than the order total is 422 amount_mismatch and charges nothing; the right amount then pays', async () => {
    const o = await h.createOrder({ total: 10_000 })
    const res = await h.pay(o.token, body(o.orderId, 9_999))
    expect(res.statusCode).toBe(422)
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(res.json().code).toBe('amount_mismatch')
    expect(await h.charges(o.orderId)).toBe(0)
    const { rows } = await h.db.pool.query('SELECT status, amount FROM payments WHERE order_id = $1', [o.orderId])
    expect(rows).toEqual([{ status: 'READY', amount: 10_000 }])
    expect((await h.pay(o.token, body(o.orderId, 10_000))).json()).toMatchObject({ status: 'COMPLETED', amount: 10_000 })
    expect(await h.charges(o.orderId)).toBe(1)
  })

  it("another user's order is 404, as is an order nobody knows", async () => {
    const o = await h.createOrder()
    const stranger = await h.tokenFor(randomUUID())
    const res = await h.pay(stranger, body(o.orderId, o.total))
    expect(res.statusCode).toBe(404)
    expect(res.json().code).toBe('not_found')
    expect(await h.charges(o.orderId)).toBe(0)
  })

  it('an order whose order.cancelled came first is 409 invalid_state, even while the order service still says PENDING_PAYMENT', async () => {
    const o = await h.createOrder()
    await h.deliver('order.cancelled', { orderId: o.orderId, userId: o.userId, reason: 'customer_request', previousStatus: 'PENDING_PAYMENT' })
    const res = await h.pay(o.token, body(o.orderId, o.total))
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('invalid_state')
    expect(await h.charges(o.orderId)).toBe(0)
  })

  it('a paid order is 409 invalid_state for a new key', async () => {
    const o = await h.createOrder()
    expect((await h.pay(o.token, body(o.orderId, o.total))).statusCode).toBe(201)
    const again = await h.pay(o.token, body(o.orderId, o.total))
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('invalid_state')
    expect(await h.charges(o.orderId)).toBe(1)
  })

  it('an order past its payment deadline is 409 invalid_state', async () => {
    const o = await h.createOrder({ expiresAt: new Date(Date.now() - 1000) })
    const res = await h.pay(o.token, body(o.orderId, o.total))
    expect(res.statusCode).toBe(409)
    expect(res.json().detail).toMatch(/deadline/)
    expect(await h.charges(o.orderId)).toBe(0)
  })

  it('an order the order service no longer calls PENDING_PAYMENT is 409 invalid_state, and no payment is made', async () => {
    const o = await h.createOrder()
    h.orderService.orders.set(o.orderId, { ...(h.orderService.orders.get(o.orderId) as StandInOrder), status: 'CANCELLED' })
    const res = await h.pay(o.token, body(o.orderId, o.total))
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('invalid_state')
    expect(await paymentOfOrder(h.db, o.orderId)).toBeUndefined()
  })

  it('while the order service cannot answer: a payment on record (a declined card) is paid again; an order without one is 503 and nothing is kept', async () => {
    const declined = await h.createOrder()
    expect((await h.pay(declined.token, body(declined.orderId, declined.total, 'tok_declined'))).json()).toMatchObject({ status: 'FAILED' })
    const fresh = await h.createOrder()
    h.orderService.failWith = 503
    try {
      const again = await h.pay(declined.token, body(declined.orderId, declined.total))
      expect(again.statusCode).toBe(201)
      expect(again.json()).toMatchObject({ status: 'COMPLETED' })
      const key = randomUUID()
      const unknown = await h.pay(fresh.token, body(fresh.orderId, fresh.total), key)
      expect(unknown.statusCode).toBe(503)
      expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/)
      expect(unknown.json().code).toBe('upstream_unavailable')
      expect(await paymentOfOrder(h.db, fresh.orderId)).toBeUndefined()
      h.orderService.failWith = null
      // The same key, once the order service answers again: nothing was kept under it.
      expect((await h.pay(fresh.token, body(fresh.orderId, fresh.total), key)).json()).toMatchObject({ status: 'COMPLETED' })
    } finally {
      h.orderService.failWith = null
    }
    expect(await h.charges(declined.orderId)).toBe(1)
    expect(await h.charges(fresh.orderId)).toBe(1)
  })

  it('ten requests with different keys for a new order at once: one charge, one payment', async () => {
    const o = await h.createOrder()
    const answers = await Promise.all(Array.from({ length: 10 }, () => h.pay(o.token, body(o.orderId, o.total))))
    const outcomes = answers.map((r) => `${r.statusCode} ${r.statusCode === 201 ? r.json().status : r.json().code}`).sort()
    expect(outcomes).toEqual(['201 COMPLETED', ...Array.from({ length: 9 }, () => '409 invalid_state')])
    expect(await h.charges(o.orderId)).toBe(1)
    const { rows } = await h.db.pool.query('SELECT status FROM payments WHERE order_id = $1', [o.orderId])
    expect(rows).toEqual([{ status: 'COMPLETED' }])
  })

  it('without an Idempotency-Key, without a token, or with unknown fields the request is refused', async () => {
    const o = await h.createOrder()
    const noKey = await h.app.inject({
      method: 'POST',
      url: '/payments',
      headers: { authorization: `Bearer ${o.token}` },
      payload: body(o.orderId, o.total),
    })
    expect(noKey.statusCode).toBe(400)
    expect(noKey.json().code).toBe('validation_failed')
    const anonymous = await h.app.inject({ method: 'POST', url: '/payments', headers: { 'idempotency-key': 'k1' }, payload: body(o.orderId, o.total) })
    expect(anonymous.statusCode).toBe(401)
    const extra = await h.pay(o.token, { ...body(o.orderId, o.total), coupon: 'FREE' })
    expect(extra.statusCode).toBe(400)
    const badMethod = await h.pay(o.token, { ...body(o.orderId, o.total), method: 'cash' })
    expect(badMethod.statusCode).toBe(400)
    expect(await h.charges(o.orderId)).toBe(0)
  })
})

describe('claiming a payment for a charge', () => {
  it('of ten claims racing on one READY payment, each in its own transaction, exactly one wins and starts an attempt', async () => {
    const o = await h.createOrder({ prepared: true })
    const payment = await paymentOfOrder(h.db, o.orderId)
    const id = payment?.id as string
    // Each transaction holds its claim until all have tried, so none can see another's outcome first.
    let arrived = 0
    let release: () => void = () => {}
    const allTried = new Promise<void>((resolve) => (release = resolve))
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        withTransaction(h.db.pool, async (client) => {
          const won = client
            .query('SELECT 1')
            .then(() => startAttempt(client, { paymentId: id, orderId: o.orderId, userId: o.userId, requestKey: `k${i}`, method: 'card', amount: o.total }))
          if (++arrived === 10) setTimeout(release, 200)
          await allTried
          return won
        }),
      ),
    )
    expect(claims.filter(Boolean)).toHaveLength(1)
    expect((await paymentOfOrder(h.db, o.orderId))?.status).toBe('PROCESSING')
    const attempts = await h.db.pool.query('SELECT status FROM payment_attempts WHERE payment_id = $1', [id])
    expect(attempts.rows).toEqual([{ status: 'PENDING' }])
  })
})

describe('settling a charge', () => {
  /** A prepared order whose payment has one charge attempt started under `requestKey`. */
  async function orderWithAttempt(requestKey: string) {
    const o = await h.createOrder({ prepared: true })
    const payment = await paymentOfOrder(h.db, o.orderId)
    const attempt = await startAttempt(h.db.pool, {
      paymentId: payment?.id as string,
      orderId: o.orderId,
      userId: o.userId,
      requestKey,
      method: 'card',
      amount: o.total,
    })
    return { o, payment, attempt }
  }

  it('an answer for a payment that is no longer PROCESSING rolls back whole: attempt unanswered, payment as it was, no event', async () => {
    const { o, payment, attempt } = await orderWithAttempt('broken-invariant')
    await h.db.pool.query("UPDATE payments SET status = 'CANCELLED' WHERE id = $1", [payment?.id])
    const approved = { status: 'approved' as const, approvedAt: new Date(), pgTransactionId: 'sim_x' }
    await expect(settleCharge(h.payments, attempt!, approved)).rejects.toThrow(/CANCELLED, not PROCESSING/)
    const { rows } = await h.db.pool.query('SELECT status FROM payment_attempts WHERE id = $1', [attempt?.id])
    expect(rows).toEqual([{ status: 'PENDING' }])
    expect((await paymentOfOrder(h.db, o.orderId))?.status).toBe('CANCELLED')
    expect((await h.outbox('payment.completed')).filter((e) => e.orderId === o.orderId)).toEqual([])
  })

  it('the same answer learnt twice (request and reconciler) completes the payment and writes payment.completed once', async () => {
    const { o, attempt } = await orderWithAttempt('twice')
    const approved = { status: 'approved' as const, approvedAt: new Date(), pgTransactionId: 'sim_twice' }
    const [first, second] = await Promise.all([settleCharge(h.payments, attempt!, approved), settleCharge(h.payments, attempt!, approved)])
    expect([first?.status, second?.status].sort()).toEqual(['COMPLETED', undefined])
    expect((await h.outbox('payment.completed')).filter((e) => e.orderId === o.orderId)).toHaveLength(1)
  })
})

describe('GET /payments/:id', () => {
  it('the owner and an admin see the payment; another customer gets 404', async () => {
    const o = await h.createOrder()
    const paid = (await h.pay(o.token, body(o.orderId, o.total))).json<Payment>()
    expect(await h.get(o.token, paid.id)).toEqual(paid)
    expect(await h.get(await h.adminToken(), paid.id)).toEqual(paid)
    const other = await h.app.inject({
      method: 'GET',
      url: `/payments/${paid.id}`,
      headers: { authorization: `Bearer ${await h.tokenFor(randomUUID())}` },
    })
    expect(other.statusCode).toBe(404)
    const unknown = await h.app.inject({ method: 'GET', url: `/payments/${randomUUID()}`, headers: { authorization: `Bearer ${o.token}` } })
    expect(unknown.statusCode).toBe(404)
  })
})
