import { randomUUID } from 'node:crypto'
import type { Payment } from '@shop/contracts/payment'
import { withTransaction } from '@shop/platform/db'
import { requestFingerprint } from '@shop/platform/idempotency'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimKeyAndStartAttempt, startAttempt } from '../src/data/attempt.repository.ts'
import { settleCharge, settleChargeOfRequest } from '../src/use-cases/settle-charge.ts'
import { type PaymentHarness, paymentOfOrder, startPayments } from './helpers.ts'

/**
 * POST /payments claims its Idempotency-Key with its payment in one statement, and
 * settles the charge with the key's answer in another. These are the invariants those
 * merges could break: a failure between the old steps, concurrent duplicates, an answer
 * learnt twice.
 */

const body = (orderId: string, amount: number, paymentToken = 'tok_success') => ({ orderId, amount, method: 'card', paymentToken })

async function keyRow(h: PaymentHarness, scope: string, key: string) {
  const { rows } = await h.db.pool.query<{ state: string; response_status: number | null; response_body: Payment | null }>(
    'SELECT state, response_status, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2',
    [scope, key],
  )
  return rows[0]
}

describe('the settlement and the key’s answer, one statement', () => {
  let h: PaymentHarness
  beforeAll(async () => {
    h = await startPayments({ prefix: 'pay_merged' })
  })
  afterAll(async () => {
    await h?.close()
  })

  it('a failure right after the settlement commits leaves the key answered: the retry with the key replays it and charges nothing', async () => {
    const o = await h.createOrder({ total: 21_000 })
    const key = randomUUID()
    // The fault: the request dies on the first thing it does after the settlement's commit.
    const publishCommitted = h.payments.publishCommitted
    h.payments.publishCommitted = () => {
      h.payments.publishCommitted = publishCommitted
      throw new Error('crashed after the settlement')
    }
    const failed = await h.pay(o.token, body(o.orderId, 21_000), key)
    expect(failed.statusCode).toBe(500)
    expect(h.payments.publishCommitted).toBe(publishCommitted)

    const stored = await keyRow(h, o.userId, key)
    expect(stored).toMatchObject({ state: 'completed', response_status: 201, response_body: { status: 'COMPLETED', amount: 21_000 } })
    const retry = await h.pay(o.token, body(o.orderId, 21_000), key)
    expect(retry.statusCode).toBe(201)
    expect(retry.headers['idempotent-replayed']).toBe('true')
    expect(retry.json()).toEqual(stored?.response_body)
    expect(retry.json()).toEqual(await h.get(o.token, retry.json<Payment>().id))
    expect(await h.charges(o.orderId)).toBe(1)
    expect((await h.outbox('payment.completed')).filter((e) => e.orderId === o.orderId)).toHaveLength(1)
  })

  it('the answer the request gives is the one stored, and the payment as GET reads it: approved and declined', async () => {
    for (const token of ['tok_success', 'tok_declined']) {
      const o = await h.createOrder()
      const key = randomUUID()
      const first = await h.pay(o.token, body(o.orderId, o.total, token), key)
      expect(first.statusCode).toBe(201)
      expect(first.json()).toMatchObject({ status: token === 'tok_success' ? 'COMPLETED' : 'FAILED' })
      expect((await keyRow(h, o.userId, key))?.response_body).toEqual(first.json())
      expect(await h.get(o.token, first.json<Payment>().id)).toEqual(first.json())
    }
  })

  it('an answer for a payment that is no longer PROCESSING writes nothing: attempt unanswered, key free again, no event', async () => {
    const o = await h.createOrder({ prepared: true })
    const payment = await paymentOfOrder(h.db, o.orderId)
    const attempt = await startAttempt(h.db.pool, {
      paymentId: payment?.id as string,
      orderId: o.orderId,
      userId: o.userId,
      requestKey: 'broken',
      method: 'card',
      amount: o.total,
    })
    await h.db.pool.query("UPDATE payments SET status = 'CANCELLED' WHERE id = $1", [payment?.id])
    const approved = { status: 'approved' as const, approvedAt: new Date(), pgTransactionId: 'sim_broken' }
    const req = { scope: o.userId, key: 'broken', fingerprint: 'f' }
    await expect(
      h.payments.idempotency.run(req, async (claim) => ({ status: 201, body: await settleChargeOfRequest(h.payments, attempt!, approved, claim) })),
    ).rejects.toThrow(/CANCELLED, not PROCESSING/)
    const { rows } = await h.db.pool.query('SELECT status FROM payment_attempts WHERE id = $1', [attempt?.id])
    expect(rows).toEqual([{ status: 'PENDING' }])
    expect((await paymentOfOrder(h.db, o.orderId))?.status).toBe('CANCELLED')
    expect(await keyRow(h, o.userId, 'broken')).toBeUndefined()
    expect((await h.outbox('payment.completed')).filter((e) => e.orderId === o.orderId)).toEqual([])
  })

  it('the request and the reconciler learning the same answer at once: one settlement, one payment.completed, and the request answers the payment either way', async () => {
    for (let round = 0; round < 5; round++) {
      const o = await h.createOrder({ prepared: true })
      const payment = await paymentOfOrder(h.db, o.orderId)
      const a = { paymentId: payment?.id as string, orderId: o.orderId, userId: o.userId, requestKey: `race-${round}`, method: 'card' as const, amount: o.total }
      const attempt = (await startAttempt(h.db.pool, a))!
      const approved = { status: 'approved' as const, approvedAt: new Date(), pgTransactionId: `sim_race_${round}` }
      const req = { scope: o.userId, key: `race-${round}`, fingerprint: 'f' }
      const [answered, reconciled] = await Promise.all([
        h.payments.idempotency.run(req, async (claim) => {
          const view = await settleChargeOfRequest(h.payments, attempt, approved, claim)
          return { status: 201, body: view ?? null, answered: view !== undefined }
        }),
        settleCharge(h.payments, attempt, approved),
      ])
      // Exactly one of the two settled it.
      expect([answered.body !== null, reconciled !== undefined].filter(Boolean)).toHaveLength(1)
      expect((await paymentOfOrder(h.db, o.orderId))?.status).toBe('COMPLETED')
      expect((await h.outbox('payment.completed')).filter((e) => e.orderId === o.orderId)).toHaveLength(1)
      expect((await keyRow(h, o.userId, `race-${round}`))?.state).toBe('completed')
    }
  })
})

describe('the key’s claim and the payment’s claim, one statement', () => {
  let h: PaymentHarness
  beforeAll(async () => {
    // A slow PG, so duplicates arrive while the first request's charge is on its way. No test
    // here is about a PG that does not answer (reconcile.int.test.ts is): a timeout no stall
    // of a loaded machine reaches keeps a charge meant to succeed from timing out.
    h = await startPayments({ prefix: 'pay_merged_claim', env: { PG_SIMULATOR_LATENCY_MS: '300', PG_TIMEOUT_MS: '30000' } })
  })
  afterAll(async () => {
    await h?.close()
  })

  /**
   * Ten claims racing, each in its own transaction held open until all have tried, with the
   * keys `keyOf(i)`; `payableUntil` as a request passes it when the order service called the
   * order payable (the payment is then made by the claim when the order has none).
   */
  async function raceClaims(o: { orderId: string; userId: string; total: number }, keyOf: (i: number) => string, payableUntil: Date | null = null) {
    let arrived = 0
    let release: () => void = () => {}
    const allTried = new Promise<void>((resolve) => (release = resolve))
    return Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        withTransaction(h.db.pool, async (client) => {
          const claimed = client.query('SELECT 1').then(() =>
            claimKeyAndStartAttempt(
              client,
              { orderId: o.orderId, userId: o.userId, requestKey: `${o.userId}:${keyOf(i)}`, method: 'card', amount: o.total },
              [o.userId, keyOf(i), 'fingerprint', 60_000],
              payableUntil,
            ),
          )
          if (++arrived === 10) setTimeout(release, 200)
          await allTried
          return claimed
        }),
      ),
    )
  }

  it('of ten racing with the same key, one takes the key and the payment; the others change nothing', async () => {
    const o = await h.createOrder({ prepared: true })
    const claims = await raceClaims(o, () => 'same-key')
    expect(claims.filter((c) => c.token !== null)).toHaveLength(1)
    expect(claims.filter((c) => c.attempt !== null)).toHaveLength(1)
    expect(claims.find((c) => c.token)?.attempt).not.toBeNull()
    const attempts = await h.db.pool.query('SELECT a.status FROM payment_attempts a JOIN payments p ON p.id = a.payment_id WHERE p.order_id = $1', [o.orderId])
    expect(attempts.rows).toEqual([{ status: 'PENDING' }])
    expect((await paymentOfOrder(h.db, o.orderId))?.status).toBe('PROCESSING')
  })

  it('of ten racing with different keys, each takes its key and exactly one the payment', async () => {
    const o = await h.createOrder({ prepared: true })
    const claims = await raceClaims(o, (i) => `key-${i}`)
    expect(claims.filter((c) => c.token !== null)).toHaveLength(10)
    expect(claims.filter((c) => c.attempt !== null)).toHaveLength(1)
    const attempts = await h.db.pool.query('SELECT a.status FROM payment_attempts a JOIN payments p ON p.id = a.payment_id WHERE p.order_id = $1', [o.orderId])
    expect(attempts.rows).toEqual([{ status: 'PENDING' }])
  })

  it('of ten racing with different keys on an order with no payment yet, exactly one makes the payment, claimed, with its attempt', async () => {
    const o = await h.createOrder()
    const claims = await raceClaims(o, (i) => `fresh-${i}`, new Date(Date.now() + 600_000))
    expect(claims.filter((c) => c.token !== null)).toHaveLength(10)
    const won = claims.filter((c) => c.attempt !== null)
    expect(won).toHaveLength(1)
    expect(won[0].attempt?.claimed).toMatchObject({ orderId: o.orderId, userId: o.userId, amount: o.total, status: 'PROCESSING', method: 'card' })
    const { rows } = await h.db.pool.query('SELECT id, status FROM payments WHERE order_id = $1', [o.orderId])
    expect(rows).toEqual([{ id: won[0].attempt?.paymentId, status: 'PROCESSING' }])
    const attempts = await h.db.pool.query('SELECT a.status FROM payment_attempts a JOIN payments p ON p.id = a.payment_id WHERE p.order_id = $1', [o.orderId])
    expect(attempts.rows).toEqual([{ status: 'PENDING' }])
  })

  it('of ten racing with the same key on an order with no payment yet, one takes the key and makes the payment; the others change nothing', async () => {
    const o = await h.createOrder()
    const claims = await raceClaims(o, () => 'fresh-same', new Date(Date.now() + 600_000))
    expect(claims.filter((c) => c.token !== null)).toHaveLength(1)
    expect(claims.find((c) => c.token)?.attempt).not.toBeNull()
    expect(claims.filter((c) => c.attempt !== null)).toHaveLength(1)
    const { rows } = await h.db.pool.query('SELECT status FROM payments WHERE order_id = $1', [o.orderId])
    expect(rows).toEqual([{ status: 'PROCESSING' }])
  })

  it('a claim makes no payment without the order service’s word, nor past the deadline it gave, nor over a cancelled order’s record', async () => {
    const claimFresh = (o: { orderId: string; userId: string; total: number }, payableUntil: Date | null) =>
      claimKeyAndStartAttempt(
        h.db.pool,
        { orderId: o.orderId, userId: o.userId, requestKey: `${o.userId}:k`, method: 'card', amount: o.total },
        [o.userId, randomUUID(), 'fingerprint', 60_000],
        payableUntil,
      )
    const unvouched = await h.createOrder()
    expect(await claimFresh(unvouched, null)).toEqual({ token: expect.any(String), attempt: null, found: undefined })
    const expired = await h.createOrder()
    expect(await claimFresh(expired, new Date(Date.now() - 1000))).toEqual({ token: expect.any(String), attempt: null, found: undefined })
    expect(await paymentOfOrder(h.db, unvouched.orderId)).toBeUndefined()
    expect(await paymentOfOrder(h.db, expired.orderId)).toBeUndefined()

    const cancelled = await h.createOrder()
    await h.deliver('order.cancelled', { orderId: cancelled.orderId, userId: cancelled.userId, reason: 'customer_request', previousStatus: 'PENDING_PAYMENT' })
    const claim = await claimFresh(cancelled, new Date(Date.now() + 600_000))
    expect(claim).toMatchObject({ token: expect.any(String), attempt: null, found: { payment: { status: 'CANCELLED' } } })
    const attempts = await h.db.pool.query('SELECT a.id FROM payment_attempts a JOIN payments p ON p.id = a.payment_id WHERE p.order_id = $1', [cancelled.orderId])
    expect(attempts.rows).toEqual([])
  })

  it('a key another request holds claims no payment and makes none: the statement changes nothing', async () => {
    const o = await h.createOrder({ prepared: true })
    const payBody = body(o.orderId, o.total)
    const fingerprint = requestFingerprint({ method: 'POST', path: '/payments', body: payBody })
    await h.db.pool.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, state, expires_at) VALUES ($1, 'held', $2, 'in_progress', now() + interval '1 minute')`,
      [o.userId, fingerprint],
    )
    const claimed = await claimKeyAndStartAttempt(
      h.db.pool,
      { orderId: o.orderId, userId: o.userId, requestKey: `${o.userId}:held`, method: 'card', amount: o.total },
      [o.userId, 'held', fingerprint, 60_000],
      new Date(Date.now() + 600_000),
    )
    expect(claimed).toEqual({ token: null, attempt: null })
    expect((await paymentOfOrder(h.db, o.orderId))?.status).toBe('READY')
    const attempts = await h.db.pool.query('SELECT a.status FROM payment_attempts a JOIN payments p ON p.id = a.payment_id WHERE p.order_id = $1', [o.orderId])
    expect(attempts.rows).toEqual([])
  })

  it('with the key but not the payment, the statement tells what it saw: the payment and this request’s latest attempt, or nothing when there is none', async () => {
    const o = await h.createOrder()
    const paid = await h.pay(o.token, body(o.orderId, o.total), 'paid-key')
    expect(paid.json()).toMatchObject({ status: 'COMPLETED' })
    const claimWith = (orderId: string, key: string) =>
      claimKeyAndStartAttempt(
        h.db.pool,
        { orderId, userId: o.userId, requestKey: `${o.userId}:paid-key`, method: 'card', amount: o.total },
        [o.userId, key, 'fingerprint', 60_000],
        null,
      )
    const again = await claimWith(o.orderId, randomUUID())
    expect(again).toMatchObject({ token: expect.any(String), attempt: null, found: { payment: { id: paid.json().id, status: 'COMPLETED' }, ownAttempt: 'APPROVED' } })
    const unknown = await claimWith(randomUUID(), randomUUID())
    expect(unknown).toEqual({ token: expect.any(String), attempt: null, found: undefined })
  })

  it('the same request sent five times at once charges once, and every copy answers the same payment', async () => {
    const o = await h.createOrder({ total: 27_000 })
    const key = randomUUID()
    const answers = await Promise.all(Array.from({ length: 5 }, () => h.pay(o.token, body(o.orderId, 27_000), key)))
    expect(answers.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201])
    expect(answers.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(4)
    for (const r of answers) expect(r.json()).toEqual(answers[0].json())
    expect(answers[0].json()).toMatchObject({ status: 'COMPLETED', amount: 27_000 })
    expect(await h.charges(o.orderId)).toBe(1)
    expect((await h.outbox('payment.completed')).filter((e) => e.orderId === o.orderId)).toHaveLength(1)
  })

  it('ten concurrent POSTs with different keys for one order charge exactly once; the other nine are 409 invalid_state', async () => {
    const o = await h.createOrder()
    const results = await Promise.all(Array.from({ length: 10 }, () => h.pay(o.token, body(o.orderId, o.total))))
    const codes = results.map((r) => r.statusCode)
    expect(codes.filter((c) => c === 201)).toHaveLength(1)
    expect(codes.filter((c) => c === 409)).toHaveLength(9)
    for (const r of results.filter((x) => x.statusCode === 409)) expect(r.json().code).toBe('invalid_state')
    expect(await h.charges(o.orderId)).toBe(1)
    expect((await h.outbox('payment.completed')).filter((e) => e.orderId === o.orderId)).toHaveLength(1)
  })

  it('a declined charge of an order cancelled meanwhile answers CANCELLED, and that is what the key replays', async () => {
    const o = await h.createOrder()
    const key = randomUUID()
    const answer = h.pay(o.token, body(o.orderId, o.total, 'tok_declined'), key)
    await expect.poll(async () => (await paymentOfOrder(h.db, o.orderId))?.status, { interval: 10 }).toBe('PROCESSING')
    await h.deliver('order.cancelled', { orderId: o.orderId, userId: o.userId, reason: 'customer_request', previousStatus: 'PENDING_PAYMENT' })
    const res = await answer
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ status: 'CANCELLED', failureCode: 'card_declined' })
    expect(await h.get(o.token, res.json<Payment>().id)).toEqual(res.json())
    const replay = await h.pay(o.token, body(o.orderId, o.total, 'tok_declined'), key)
    expect(replay.headers['idempotent-replayed']).toBe('true')
    expect(replay.json()).toEqual(res.json())
  })
})
