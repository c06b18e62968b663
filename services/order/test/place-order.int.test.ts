import { randomUUID } from 'node:crypto'
import type { ShippingAddress } from '@shop/contracts'
import type { OrderView } from '@shop/contracts/order'
import type { FeeRules } from '@shop/contracts/shipping'
import { eventually } from '@shop/platform/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADDRESS, createHarness, type Harness, type Replica } from './helpers.ts'
import { STAND_IN_FEE_RULES } from './upstream-stand-ins.ts'

let h: Harness
const user = randomUUID()

beforeAll(async () => {
  h = await createHarness({ env: { MAX_QUANTITY_PER_ORDER_LINE: '10' } })
})
afterAll(async () => {
  await h?.close()
})

/** Rows in the tables a refused order must not touch. */
const stored = async () => ({
  orders: await h.count('orders'),
  outbox: await h.count('outbox'),
  keys: await h.count('idempotency_keys'),
})

describe('POST /orders', () => {
  it('when a customer orders, the order is 201 PENDING_PAYMENT, priced from product and charged the quoted fee', async () => {
    const earbuds = h.addProduct(12_345, '무선이어폰 프로')
    const charger = h.addProduct(5_000, '충전기')
    const res = await h.app.inject({
      method: 'POST',
      url: '/orders',
      headers: { ...(await h.auth(user)), 'idempotency-key': randomUUID(), 'x-request-id': 'req-place-1' },
      payload: {
        items: [
          { productId: earbuds, quantity: 2 },
          { productId: charger, quantity: 1 },
        ],
        shippingAddress: ADDRESS,
      },
    })
    expect(res.statusCode).toBe(201)
    const order = res.json() as OrderView
    expect(order).toMatchObject({
      userId: user,
      status: 'PENDING_PAYMENT',
      items: [
        { productId: earbuds, name: '무선이어폰 프로', unitPrice: 12_345, quantity: 2, lineTotal: 24_690 },
        { productId: charger, name: '충전기', unitPrice: 5_000, quantity: 1, lineTotal: 5_000 },
      ],
      subtotal: 29_690,
      shippingFee: 3_000,
      total: 32_690,
      currency: 'KRW',
      shippingAddress: ADDRESS,
      history: [{ status: 'PENDING_PAYMENT' }],
    })
    expect(order.payment).toBeUndefined()
    const window = Date.parse(order.expiresAt) - Date.parse(order.createdAt)
    expect(window).toBe(900_000)

    // The upstream calls carry the caller's identity and request id; the reservation
    // outlives the payment window.
    const reservation = h.product.reservations().at(-1)
    expect(reservation?.body).toMatchObject({ orderId: order.id, ttlSeconds: 1200 })
    expect(reservation?.headers.authorization).toMatch(/^Bearer /)
    expect(reservation?.headers['x-request-id']).toBe('req-place-1')
    // The fee came from the copy of shipping's rules: fetched once, not asked per order.
    expect(h.shipping.calls.map((c) => c.path)).toEqual(['/internal/fee-rules'])

    const [created] = (await h.outbox('order.created')).filter((e) => e.data.orderId === order.id)
    expect(created.data).toMatchObject({
      orderId: order.id,
      userId: user,
      items: [
        { productId: earbuds, quantity: 2, unitPrice: 12_345 },
        { productId: charger, quantity: 1, unitPrice: 5_000 },
      ],
      subtotal: 29_690,
      shippingFee: 3_000,
      total: 32_690,
      expiresAt: order.expiresAt,
    })
    // No personal data in clear on the broker: only the postal code, and the sealed address.
    const text = JSON.stringify(created)
    for (const pii of [ADDRESS.recipient, ADDRESS.phone, ADDRESS.address1]) expect(text).not.toContain(pii)
    expect(created.data.shippingAddress.postalCode).toBe(ADDRESS.postalCode)
    expect(h.ctx.cipher.decryptJson<ShippingAddress>(created.data.shippingAddress.sealed)).toEqual(ADDRESS)
  })

  it('the shipping address is stored encrypted, never in clear', async () => {
    const order = await h.placed(user)
    const { rows } = await h.db.pool.query<{ address_enc: string; row: string }>(
      'SELECT address_enc, o::text AS row FROM orders o WHERE id = $1',
      [order.id],
    )
    for (const pii of [ADDRESS.recipient, ADDRESS.phone, ADDRESS.address1, ADDRESS.address2 as string]) {
      expect(rows[0].row).not.toContain(pii)
    }
    expect(rows[0].address_enc).toMatch(/^v1\./)
    expect(h.ctx.cipher.decryptJson(rows[0].address_enc)).toEqual(ADDRESS)
  })

  it('a price sent by the client is refused: prices only come from product', async () => {
    const p = h.addProduct(10_000)
    const res = await h.place(user, { items: [{ productId: p, quantity: 1, unitPrice: 1 } as never], shippingAddress: ADDRESS })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: '/items/0/unitPrice' }] })
  })

  it('the same Idempotency-Key and body replay the same 201 with Idempotent-Replayed, reserving once', async () => {
    const key = randomUUID()
    const body = { items: [{ productId: h.addProduct(7_000), quantity: 3 }], shippingAddress: ADDRESS }
    const before = h.product.reservations().length
    const first = await h.place(user, body, key)
    const again = await h.place(user, body, key)
    expect(first.statusCode).toBe(201)
    expect(first.headers['idempotent-replayed']).toBeUndefined()
    expect(again.statusCode).toBe(201)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.json()).toEqual(first.json())
    expect(h.product.reservations().length).toBe(before + 1)
    const { rows } = await h.db.pool.query('SELECT 1 FROM orders WHERE id = $1', [first.json().id])
    expect(rows).toHaveLength(1)
  })

  it('the same Idempotency-Key with another body is 422 idempotency_key_reuse', async () => {
    const key = randomUUID()
    const p = h.addProduct(7_000)
    expect((await h.place(user, { items: [{ productId: p, quantity: 1 }], shippingAddress: ADDRESS }, key)).statusCode).toBe(201)
    const reuse = await h.place(user, { items: [{ productId: p, quantity: 2 }], shippingAddress: ADDRESS }, key)
    expect(reuse.statusCode).toBe(422)
    expect(reuse.json().code).toBe('idempotency_key_reuse')
  })

  it('without an Idempotency-Key the order is refused with 400 validation_failed', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/orders',
      headers: await h.auth(user),
      payload: { items: [{ productId: h.addProduct(1_000), quantity: 1 }], shippingAddress: ADDRESS },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'idempotency-key' }] })
  })

  it('without a token the answer is 401, before the body is even looked at', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/orders', payload: {} })
    expect(res.statusCode).toBe(401)
  })

  it('when stock is short, the order is refused with insufficient_stock and nothing is stored', async () => {
    const before = await stored()
    h.product.mode = 'insufficient_stock'
    const key = randomUUID()
    const body = { items: [{ productId: h.addProduct(9_900), quantity: 5 }], shippingAddress: ADDRESS }
    try {
      const res = await h.place(user, body, key)
      expect(res.statusCode).toBe(409)
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
      expect(res.json().code).toBe('insufficient_stock')
      expect(await stored()).toEqual(before)
    } finally {
      h.product.mode = 'ok'
    }
    // A refusal claims nothing: the same key may be used again once stock is back.
    expect((await h.place(user, body, key)).statusCode).toBe(201)
  })

  it('when product is down, the answer is 503 upstream_unavailable and nothing is stored', async () => {
    const before = await stored()
    h.product.mode = 'down'
    try {
      const res = await h.place(user, { items: [{ productId: h.addProduct(1_000), quantity: 1 }], shippingAddress: ADDRESS })
      expect(res.statusCode).toBe(503)
      expect(res.json().code).toBe('upstream_unavailable')
      expect(res.headers['retry-after']).toBeDefined()
      expect(await stored()).toEqual(before)
    } finally {
      h.product.mode = 'ok'
    }
  })

  it('when shipping cannot give its fee rules and no copy is held, the order is 503, the reservation is released and nothing is stored', async () => {
    const before = await stored()
    h.shipping.mode = 'failing'
    try {
      // A replica that has not priced an order yet holds no copy of the rules.
      const fresh = await h.replica()
      const res = await fresh.app.inject({
        method: 'POST',
        url: '/orders',
        headers: { ...(await h.auth(user)), 'idempotency-key': randomUUID() },
        payload: { items: [{ productId: h.addProduct(4_000), quantity: 2 }], shippingAddress: ADDRESS },
      })
      expect(res.statusCode).toBe(503)
      expect(res.json().code).toBe('upstream_unavailable')
    } finally {
      h.shipping.mode = 'ok'
    }
    const orderId = (h.product.reservations().at(-1)?.body as { orderId: string }).orderId
    expect(h.product.releases()).toContain(orderId)
    expect(await stored()).toEqual(before)
  })

  it("when the key's answer cannot be stored, neither is the order: the reservation is released and a retry places exactly one", async () => {
    // The fault: the database refuses to complete any Idempotency-Key, as a failing disk or
    // a lost connection would at that moment. The answer is written by the order's own
    // statement, so the order cannot commit without it.
    await h.db.pool.query(`
      CREATE FUNCTION refuse_answers() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'answers refused'; END $$;
      CREATE TRIGGER refuse_answers BEFORE UPDATE ON idempotency_keys
        FOR EACH ROW WHEN (NEW.state = 'completed') EXECUTE FUNCTION refuse_answers()`)
    const before = await stored()
    const key = randomUUID()
    const body = { items: [{ productId: h.addProduct(6_500), quantity: 1 }], shippingAddress: ADDRESS }
    let failed
    try {
      failed = await h.place(user, body, key)
    } finally {
      await h.db.pool.query('DROP TRIGGER refuse_answers ON idempotency_keys; DROP FUNCTION refuse_answers()')
    }
    expect(failed.statusCode).toBe(500)
    expect(failed.json().code).toBe('internal')
    expect(await stored()).toEqual(before)
    const orderId = (h.product.reservations().at(-1)?.body as { orderId: string }).orderId
    expect(h.product.releases()).toContain(orderId)

    const retry = await h.place(user, body, key)
    expect(retry.statusCode).toBe(201)
    expect(retry.headers['idempotent-replayed']).toBeUndefined()
    const replay = await h.place(user, body, key)
    expect(replay.headers['idempotent-replayed']).toBe('true')
    expect(replay.json()).toEqual(retry.json())
    expect(await stored()).toEqual({ orders: before.orders + 1, outbox: before.outbox + 1, keys: before.keys + 1 })
  })

  it('an unknown product is a 400 naming the line, as product reports it', async () => {
    const res = await h.place(user, {
      items: [
        { productId: h.addProduct(1_000), quantity: 1 },
        { productId: randomUUID(), quantity: 1 },
      ],
      shippingAddress: ADDRESS,
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: '/items/1/productId' }] })
  })

  it('a product twice or a quantity above the per-line cap is refused before any stock is reserved', async () => {
    const before = h.product.reservations().length
    const p = h.addProduct(1_000)
    const twice = await h.place(user, {
      items: [
        { productId: p, quantity: 1 },
        { productId: p, quantity: 2 },
      ],
      shippingAddress: ADDRESS,
    })
    expect(twice.statusCode).toBe(400)
    expect(twice.json().errors).toEqual([{ path: '/items/1/productId', message: 'appears more than once' }])
    const many = await h.place(user, { items: [{ productId: p, quantity: 11 }], shippingAddress: ADDRESS })
    expect(many.statusCode).toBe(400)
    expect(many.json().errors).toEqual([{ path: '/items/0/quantity', message: 'must be at most 10 per order' }])
    expect(h.product.reservations().length).toBe(before)
  })

  it('a bad postal code or an unknown field in the address is 400', async () => {
    const p = h.addProduct(1_000)
    const badCode = await h.place(user, { items: [{ productId: p, quantity: 1 }], shippingAddress: { ...ADDRESS, postalCode: '1234' } })
    expect(badCode.statusCode).toBe(400)
    const extra = await h.place(user, {
      items: [{ productId: p, quantity: 1 }],
      shippingAddress: { ...ADDRESS, note: 'x' } as ShippingAddress,
    })
    expect(extra.statusCode).toBe(400)
  })
})

describe("the copy of shipping's fee rules", () => {
  const JEJU = { ...ADDRESS, postalCode: '63100', address1: '제주특별자치도 제주시 첨단로 242' }
  const order = (r: Replica, items = [{ productId: h.addProduct(10_000), quantity: 1 }], address = ADDRESS) =>
    h.auth(user).then((a) =>
      r.app.inject({ method: 'POST', url: '/orders', headers: { ...a, 'idempotency-key': randomUUID() }, payload: { items, shippingAddress: address } }),
    )

  /** A replica whose copy of the fee rules lives 1 s and may price orders up to `maxStaleMs`, on a clock the test moves. */
  async function clockedReplica(maxStaleMs: number, start: number) {
    const clock = { now: start }
    const r = await h.replica({ feeRules: { ttlMs: 1_000, maxStaleMs, now: () => clock.now } })
    return { r, clock }
  }

  /** Runs `fn` while the shipping stand-in answers in `mode`; it answers normally again afterwards, even when `fn` fails. */
  async function whileShipping<T>(mode: typeof h.shipping.mode, fn: () => Promise<T>): Promise<T> {
    h.shipping.mode = mode
    try {
      return await fn()
    } finally {
      h.shipping.mode = 'ok'
    }
  }

  it('prices many orders from one fetch, with the rules’ free-shipping threshold and Jeju surcharge', async () => {
    const r = await h.replica()
    const fetchesBefore = h.shipping.ruleFetches()
    const fees = []
    for (const [price, address] of [[10_000, ADDRESS], [50_000, ADDRESS], [10_000, JEJU], [60_000, JEJU]] as const) {
      const res = await order(r, [{ productId: h.addProduct(price), quantity: 1 }], address)
      expect(res.statusCode).toBe(201)
      fees.push((res.json() as OrderView).shippingFee)
    }
    expect(fees).toEqual([3_000, 0, 6_000, 3_000])
    expect(h.shipping.ruleFetches() - fetchesBefore).toBe(1)
  })

  it('orders placed at once while no copy is held share one fetch', async () => {
    const r = await h.replica()
    const fetchesBefore = h.shipping.ruleFetches()
    const answers = await Promise.all(Array.from({ length: 5 }, () => order(r)))
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201, 201])
    expect(h.shipping.ruleFetches() - fetchesBefore).toBe(1)
  })

  it('past its time to live the held copy still prices while it is fetched again, and new rules price the orders after', async () => {
    const { r, clock } = await clockedReplica(60_000, 1_000_000)
    try {
      expect((await order(r)).json().shippingFee).toBe(3_000)
      h.shipping.rules = { ...h.shipping.rules, baseFee: 3_500 }
      clock.now += 500 // within its time to live: the copy answers, shipping is not asked
      const fetches = h.shipping.ruleFetches()
      expect((await order(r)).json().shippingFee).toBe(3_000)
      expect(h.shipping.ruleFetches()).toBe(fetches)
      clock.now += 1_000 // past it: this order is priced from the held copy, and a fetch starts
      expect((await order(r)).json().shippingFee).toBe(3_000)
      await eventually(() => h.shipping.ruleFetches() === fetches + 1)
      await eventually(async () => (await order(r)).json().shippingFee === 3_500)
    } finally {
      h.shipping.rules = STAND_IN_FEE_RULES
    }
  })

  it('while shipping is down, a copy up to its maximum age prices orders; an older one does not', async () => {
    const { r, clock } = await clockedReplica(10_000, 2_000_000)
    expect((await order(r)).statusCode).toBe(201)
    await whileShipping('down', async () => {
      clock.now += 5_000
      const stale = await order(r)
      expect(stale.statusCode).toBe(201)
      expect(stale.json().shippingFee).toBe(3_000)
      clock.now += 10_000
      const tooOld = await order(r)
      expect(tooOld.statusCode).toBe(503)
      expect(tooOld.json().code).toBe('upstream_unavailable')
    })
    expect((await order(r)).statusCode).toBe(201)
  })

  it('after a refresh failed, the orders of the next second do not ask a failing shipping again', async () => {
    const { r, clock } = await clockedReplica(60_000, 3_000_000)
    expect((await order(r)).statusCode).toBe(201)
    await whileShipping('failing', async () => {
      clock.now += 2_000
      expect((await order(r)).statusCode).toBe(201)
      // the background refresh and its retries are over once shipping hears nothing more for a while
      await eventually(async () => {
        const n = h.shipping.ruleFetches()
        await new Promise((done) => setTimeout(done, 150))
        return h.shipping.ruleFetches() === n
      })
      const afterFailure = h.shipping.ruleFetches()
      for (let i = 0; i < 3; i++) expect((await order(r)).statusCode).toBe(201)
      expect(h.shipping.ruleFetches()).toBe(afterFailure)
      clock.now += 1_000
      expect((await order(r)).statusCode).toBe(201)
      await eventually(() => h.shipping.ruleFetches() > afterFailure)
    })
  })

  it('rules that do not have the contract’s shape fail the order instead of pricing it', async () => {
    const r = await h.replica()
    h.shipping.rules = { baseFee: '3000' } as unknown as FeeRules
    try {
      const res = await order(r)
      // An upstream outside its contract is our fault to fix, as with product: a 500 without detail.
      expect(res.statusCode).toBe(500)
      expect(res.json().code).toBe('internal')
      const orderId = (h.product.reservations().at(-1)?.body as { orderId: string }).orderId
      expect(h.product.releases()).toContain(orderId)
    } finally {
      h.shipping.rules = STAND_IN_FEE_RULES
    }
  })
})
