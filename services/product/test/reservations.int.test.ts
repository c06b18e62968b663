import { randomUUID } from 'node:crypto'
import { eventually } from '@shop/platform/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expireReservations } from '../src/use-cases/expire-reservations.ts'
import { createReservationSweeper } from '../src/workers/reservation-sweeper.ts'
import { createHarness, inventoryRow, makeCategory, makeProduct, outboxEvents, type ProductHarness } from './helpers.ts'

let h: ProductHarness
let categoryId: string

beforeAll(async () => {
  h = await createHarness()
  categoryId = await makeCategory(h, 'reservable')
})
afterAll(async () => {
  await h?.close()
})

const reserve = (payload: Record<string, unknown>, headers: Record<string, string> = h.customer) =>
  h.app.inject({ method: 'POST', url: '/internal/reservations', headers, payload })

describe('reserving stock', () => {
  it('reserves every line and answers 201 with unit prices and names from the product table', async () => {
    const a = await makeProduct(h, { categoryId, name: '무선이어폰 프로', price: 129_000, stock: 10 })
    const b = await makeProduct(h, { categoryId, name: 'Bluetooth Speaker', price: 59_000, stock: 10 })
    const orderId = randomUUID()
    const before = Date.now()
    const res = await reserve({ orderId, items: [{ productId: a.id, quantity: 2 }, { productId: b.id, quantity: 1 }] })
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body).toMatchObject({ orderId, status: 'ACTIVE' })
    expect(body.items).toEqual(
      expect.arrayContaining([
        { productId: a.id, quantity: 2, unitPrice: 129_000, name: '무선이어폰 프로' },
        { productId: b.id, quantity: 1, unitPrice: 59_000, name: 'Bluetooth Speaker' },
      ]),
    )
    // Default ttl: 20 minutes.
    const ttlMs = Date.parse(body.expiresAt) - before
    expect(ttlMs).toBeGreaterThan(19.9 * 60_000)
    expect(ttlMs).toBeLessThan(20.1 * 60_000)
    expect(await inventoryRow(h, a.id)).toEqual({ on_hand: 10, reserved: 2 })
    expect((await h.app.inject({ method: 'GET', url: `/products/${a.id}` })).json().stock.available).toBeLessThanOrEqual(10)
  })

  it('needs a token (401), and the order id is the idempotency key: the same call again is 200 with the same reservation', async () => {
    const a = await makeProduct(h, { categoryId, stock: 5 })
    const payload = { orderId: randomUUID(), items: [{ productId: a.id, quantity: 1 }] }
    expect((await reserve(payload, {})).statusCode).toBe(401)
    const first = await reserve(payload)
    const second = await reserve(payload)
    expect(first.statusCode).toBe(201)
    expect(second.statusCode).toBe(200)
    expect(second.json()).toEqual(first.json())
    expect(await inventoryRow(h, a.id)).toEqual({ on_hand: 5, reserved: 1 })
  })

  it('the same order id with other items is 409 conflict', async () => {
    const a = await makeProduct(h, { categoryId, stock: 5 })
    const orderId = randomUUID()
    await reserve({ orderId, items: [{ productId: a.id, quantity: 1 }] })
    const res = await reserve({ orderId, items: [{ productId: a.id, quantity: 2 }] })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('conflict')
  })

  it('an unknown or deleted product is 400 validation_failed at its line', async () => {
    const live = await makeProduct(h, { categoryId, stock: 5 })
    const deleted = await makeProduct(h, { categoryId, stock: 5 })
    await h.app.inject({ method: 'DELETE', url: `/products/${deleted.id}`, headers: h.admin })
    const res = await reserve({
      orderId: randomUUID(),
      items: [{ productId: live.id, quantity: 1 }, { productId: deleted.id, quantity: 1 }, { productId: randomUUID(), quantity: 1 }],
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['/items/1/productId', '/items/2/productId'])
    expect(await inventoryRow(h, live.id)).toEqual({ on_hand: 5, reserved: 0 })
  })

  it('when one line is short, nothing is reserved and the answer is 409 insufficient_stock naming the product', async () => {
    const plenty = await makeProduct(h, { categoryId, stock: 100 })
    const scarce = await makeProduct(h, { categoryId, stock: 2 })
    const orderId = randomUUID()
    const res = await reserve({ orderId, items: [{ productId: plenty.id, quantity: 5 }, { productId: scarce.id, quantity: 3 }] })
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'insufficient_stock', detail: `product ${scarce.id}: 2 left` })
    expect(await inventoryRow(h, plenty.id)).toEqual({ on_hand: 100, reserved: 0 })
    expect(await inventoryRow(h, scarce.id)).toEqual({ on_hand: 2, reserved: 0 })
    expect((await h.db.pool.query('SELECT 1 FROM reservations WHERE order_id = $1', [orderId])).rowCount).toBe(0)
    // Refused, not recorded: the same order may try again once stock is there.
    await h.app.inject({ method: 'PUT', url: `/products/${scarce.id}/stock`, headers: h.admin, payload: { onHand: 3 } })
    const retry = await reserve({ orderId, items: [{ productId: plenty.id, quantity: 5 }, { productId: scarce.id, quantity: 3 }] })
    expect(retry.statusCode).toBe(201)
  })

  it('200 concurrent buyers of 50 units: exactly 50 reservations succeed and available ends at 0, never below', async () => {
    const product = await makeProduct(h, { categoryId, stock: 50 })
    const results = await Promise.all(
      Array.from({ length: 200 }, () => reserve({ orderId: randomUUID(), items: [{ productId: product.id, quantity: 1 }] })),
    )
    const codes = results.map((r) => r.statusCode)
    expect(codes.filter((c) => c === 201)).toHaveLength(50)
    expect(codes.filter((c) => c === 409)).toHaveLength(150)
    expect(results.find((r) => r.statusCode === 409)?.json().code).toBe('insufficient_stock')
    expect(await inventoryRow(h, product.id)).toEqual({ on_hand: 50, reserved: 50 })
    const { rows } = await h.db.pool.query('SELECT count(*)::int AS n, sum(quantity)::int AS q FROM reservation_items WHERE product_id = $1', [product.id])
    expect(rows[0]).toEqual({ n: 50, q: 50 })
  })

  it('a reservation taking available below the threshold emits inventory.low', async () => {
    const product = await makeProduct(h, { categoryId, stock: 6 })
    await reserve({ orderId: randomUUID(), items: [{ productId: product.id, quantity: 1 }] })
    await reserve({ orderId: randomUUID(), items: [{ productId: product.id, quantity: 1 }] })
    await reserve({ orderId: randomUUID(), items: [{ productId: product.id, quantity: 1 }] })
    const low = (await outboxEvents(h, 'inventory.low')).filter((e) => e.data.productId === product.id)
    expect(low.map((e) => e.data.available)).toEqual([4])
  })

  it('a multi-line order whose last line (in lock order) is short reserves nothing: no line, no stock, no event, the same 409', async () => {
    const made = await Promise.all([6, 6, 6].map((stock) => makeProduct(h, { categoryId, stock })))
    // The short product is the last one in product-id order, so the others would be taken first.
    const [first, second, short] = [...made].sort((a, b) => (a.id < b.id ? -1 : 1))
    await h.app.inject({ method: 'PUT', url: `/products/${short.id}/stock`, headers: h.admin, payload: { onHand: 1 } })
    const ids = made.map((p) => p.id)
    const lowEvents = async () => (await outboxEvents(h, 'inventory.low')).filter((e) => ids.includes(e.data.productId as string))
    const lowBefore = await lowEvents()
    const orderId = randomUUID()
    const items = [{ productId: short.id, quantity: 2 }, { productId: first.id, quantity: 2 }, { productId: second.id, quantity: 2 }]
    const res = await reserve({ orderId, items })
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'insufficient_stock', detail: `product ${short.id}: 1 left` })
    for (const p of [first, second]) expect(await inventoryRow(h, p.id)).toEqual({ on_hand: 6, reserved: 0 })
    expect(await inventoryRow(h, short.id)).toEqual({ on_hand: 1, reserved: 0 })
    const lines = await h.db.pool.query('SELECT 1 FROM reservation_items WHERE product_id = ANY($1::uuid[])', [ids])
    expect(lines.rowCount).toBe(0)
    expect((await h.db.pool.query('SELECT 1 FROM reservations WHERE order_id = $1', [orderId])).rowCount).toBe(0)
    // Taking 2 of 6 would have fallen below the threshold (5): no inventory.low for a refused order.
    expect(await lowEvents()).toEqual(lowBefore)
  })

  it('a retry of a reserved order answers the reservation even when the stock has run out since', async () => {
    const product = await makeProduct(h, { categoryId, stock: 2 })
    const payload = { orderId: randomUUID(), items: [{ productId: product.id, quantity: 2 }] }
    const first = await reserve(payload)
    expect(first.statusCode).toBe(201)
    const retry = await reserve(payload)
    expect(retry.statusCode).toBe(200)
    expect(retry.json()).toEqual(first.json())
    expect(await inventoryRow(h, product.id)).toEqual({ on_hand: 2, reserved: 2 })
  })

  it('concurrent multi-line orders over the same last units, lines in any order: no deadlock, no oversell, all or nothing', async () => {
    const a = await makeProduct(h, { categoryId, stock: 7 })
    const b = await makeProduct(h, { categoryId, stock: 5 })
    const c = await makeProduct(h, { categoryId, stock: 9 })
    const shapes = [
      [{ productId: a.id, quantity: 1 }, { productId: b.id, quantity: 1 }, { productId: c.id, quantity: 1 }],
      [{ productId: c.id, quantity: 2 }, { productId: a.id, quantity: 1 }],
      [{ productId: b.id, quantity: 1 }, { productId: a.id, quantity: 2 }],
      [{ productId: c.id, quantity: 1 }, { productId: b.id, quantity: 1 }],
    ]
    const orders = Array.from({ length: 60 }, (_, i) => ({ orderId: randomUUID(), items: shapes[i % shapes.length] }))
    const results = await Promise.all(orders.map((o) => reserve(o)))
    // Every answer is a reservation or a clean refusal: a deadlock or a CHECK violation would be a 500.
    expect(results.map((r) => r.statusCode).filter((code) => code !== 201 && code !== 409)).toEqual([])
    const won = orders.filter((_, i) => results[i].statusCode === 201)
    expect(won.length).toBeGreaterThan(0)
    const wanted = (productId: string) => won.flatMap((o) => o.items).filter((l) => l.productId === productId).reduce((n, l) => n + l.quantity, 0)
    for (const [p, stock] of [[a, 7], [b, 5], [c, 9]] as const) {
      const row = await inventoryRow(h, p.id)
      expect(row).toEqual({ on_hand: stock, reserved: wanted(p.id) })
      expect(row.reserved).toBeLessThanOrEqual(row.on_hand)
    }
    // A refused order left nothing behind; a reserved one has all of its lines.
    const { rows } = await h.db.pool.query<{ order_id: string; n: number }>(
      `SELECT r.order_id, count(i.*)::int AS n FROM reservations r LEFT JOIN reservation_items i ON i.reservation_id = r.id
        WHERE r.order_id = ANY($1::uuid[]) GROUP BY r.order_id`,
      [orders.map((o) => o.orderId)],
    )
    expect(new Map(rows.map((r) => [r.order_id, r.n]))).toEqual(new Map(won.map((o) => [o.orderId, o.items.length])))
  })
})

describe('releasing', () => {
  it('release gives the units back once; releasing again is 200 and changes nothing; an unknown order is 404', async () => {
    const product = await makeProduct(h, { categoryId, stock: 4 })
    const orderId = randomUUID()
    await reserve({ orderId, items: [{ productId: product.id, quantity: 3 }] })
    const release = () => h.app.inject({ method: 'POST', url: `/internal/reservations/${orderId}/release`, headers: h.customer })
    const first = await release()
    expect(first.statusCode).toBe(200)
    expect(first.json().status).toBe('RELEASED')
    expect((await release()).json().status).toBe('RELEASED')
    expect(await inventoryRow(h, product.id)).toEqual({ on_hand: 4, reserved: 0 })
    const unknown = await h.app.inject({ method: 'POST', url: `/internal/reservations/${randomUUID()}/release`, headers: h.customer })
    expect(unknown.statusCode).toBe(404)
    expect((await h.app.inject({ method: 'POST', url: `/internal/reservations/${orderId}/release` })).statusCode).toBe(401)
  })
})

describe('expiry', () => {
  const expire = (orderIds: string[]) =>
    h.db.pool.query("UPDATE reservations SET expires_at = now() - interval '1 second' WHERE order_id = ANY($1::uuid[])", [orderIds])

  it('the sweeper releases expired ACTIVE reservations and leaves live ones alone', async () => {
    const product = await makeProduct(h, { categoryId, stock: 10 })
    const lapsed = randomUUID()
    const live = randomUUID()
    await reserve({ orderId: lapsed, items: [{ productId: product.id, quantity: 3 }] })
    await reserve({ orderId: live, items: [{ productId: product.id, quantity: 2 }] })
    await expire([lapsed])
    const sweeper = createReservationSweeper(h.ctx)
    expect(await sweeper.sweepOnce()).toBe(1)
    expect(await inventoryRow(h, product.id)).toEqual({ on_hand: 10, reserved: 2 })
    const { rows } = await h.db.pool.query('SELECT order_id, status FROM reservations WHERE order_id = ANY($1::uuid[]) ORDER BY status', [[lapsed, live]])
    expect(rows).toEqual([
      { order_id: live, status: 'ACTIVE' },
      { order_id: lapsed, status: 'EXPIRED' },
    ])
    expect(await sweeper.sweepOnce()).toBe(0)
  })

  it('two sweepers at once (two replicas) release each expired reservation exactly once', async () => {
    const product = await makeProduct(h, { categoryId, stock: 100 })
    const orders = Array.from({ length: 40 }, () => randomUUID())
    await Promise.all(orders.map((orderId) => reserve({ orderId, items: [{ productId: product.id, quantity: 2 }] })))
    await expire(orders)
    // Small batches so both replicas take turns on the same backlog.
    const drain = async () => {
      let total = 0
      for (;;) {
        const n = await expireReservations(h.ctx, 5)
        if (n === 0) return total
        total += n
      }
    }
    const [x, y] = await Promise.all([drain(), drain()])
    expect(x + y).toBe(40)
    expect(await inventoryRow(h, product.id)).toEqual({ on_hand: 100, reserved: 0 })
    const { rows } = await h.db.pool.query("SELECT count(*)::int AS n FROM reservations WHERE order_id = ANY($1::uuid[]) AND status = 'EXPIRED'", [orders])
    expect(rows[0].n).toBe(40)
  })

  it('the sweeper runs by itself as a worker and stops cleanly', async () => {
    const product = await makeProduct(h, { categoryId, stock: 5 })
    const orderId = randomUUID()
    await reserve({ orderId, items: [{ productId: product.id, quantity: 5 }] })
    await expire([orderId])
    const worker = createReservationSweeper(h.ctx, 20)
    worker.start()
    try {
      await eventually(async () => (await inventoryRow(h, product.id)).reserved === 0, { timeoutMs: 5000 })
    } finally {
      await worker.stop()
    }
  })
})
