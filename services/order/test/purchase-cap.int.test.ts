import { randomUUID } from 'node:crypto'
import type { OrderView } from '@shop/contracts/order'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADDRESS, createHarness, type Harness } from './helpers.ts'

// MAX_UNITS_PER_USER_PER_PRODUCT: a user's units of one product in orders that are not
// cancelled, placed within PURCHASE_CAP_WINDOW_HOURS, plus the new order, may not pass 3.
let h: Harness

beforeAll(async () => {
  h = await createHarness({ env: { MAX_UNITS_PER_USER_PER_PRODUCT: '3', PURCHASE_CAP_WINDOW_HOURS: '24' } })
})
afterAll(async () => {
  await h?.close()
})

const order = (userId: string, lines: [string, number][]) =>
  h.place(userId, { items: lines.map(([productId, quantity]) => ({ productId, quantity })), shippingAddress: ADDRESS })

const stored = async () => ({
  orders: await h.count('orders'),
  outbox: await h.count('outbox'),
  keys: await h.count('idempotency_keys'),
})

/** Units of the product in the user's orders that are not cancelled, from the table itself. */
async function unitsInDb(userId: string, productId: string): Promise<number> {
  const { rows } = await h.db.pool.query<{ n: number }>(
    `SELECT coalesce(sum(l.quantity), 0)::int AS n FROM orders o JOIN order_lines l ON l.order_id = o.id
      WHERE o.user_id = $1 AND l.product_id = $2 AND o.status <> 'CANCELLED'`,
    [userId, productId],
  )
  return rows[0].n
}

/** Every reservation made for an order that was not stored has been released. */
async function expectUnstoredReservationsReleased(since: number): Promise<number> {
  const reservedIds = h.product
    .reservations()
    .slice(since)
    .map((c) => (c.body as { orderId: string }).orderId)
  const { rows } = await h.db.pool.query<{ id: string }>('SELECT id FROM orders WHERE id = ANY($1::uuid[])', [reservedIds])
  const storedIds = new Set(rows.map((r) => r.id))
  const unstored = reservedIds.filter((id) => !storedIds.has(id))
  expect(h.product.releases()).toEqual(expect.arrayContaining(unstored))
  return unstored.length
}

describe('per-user purchase cap', () => {
  it('when a user reaches the cap on a product, the next order is 409 purchase_limit_exceeded, stores nothing and reserves nothing', async () => {
    const user = randomUUID()
    const product = h.addProduct(50_000, '한정판 운동화')
    expect((await order(user, [[product, 2]])).statusCode).toBe(201)
    expect((await order(user, [[product, 1]])).statusCode).toBe(201)
    const before = await stored()
    const reservationsBefore = h.product.reservations().length

    const refused = await order(user, [[product, 1]])
    expect(refused.statusCode).toBe(409)
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(refused.json()).toMatchObject({ code: 'purchase_limit_exceeded', status: 409 })
    expect(refused.json().detail).toContain('at most 3 per customer within 24 h')
    expect(await stored()).toEqual(before)
    expect(h.product.reservations().length).toBe(reservationsBefore)
    expect(await unitsInDb(user, product)).toBe(3)
  })

  it('one order asking more than the cap on its own is refused the same way', async () => {
    const res = await order(randomUUID(), [[h.addProduct(1_000), 4]])
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('purchase_limit_exceeded')
  })

  it('the cap counts per user and per product: another buyer, or another product, is not affected', async () => {
    const user = randomUUID()
    const scarce = h.addProduct(10_000)
    const other = h.addProduct(10_000)
    expect((await order(user, [[scarce, 3]])).statusCode).toBe(201)
    expect((await order(user, [[other, 3]])).statusCode).toBe(201)
    expect((await order(randomUUID(), [[scarce, 3]])).statusCode).toBe(201)
  })

  it('a multi-line order with one line past the cap is refused whole, before anything is reserved', async () => {
    const user = randomUUID()
    const scarce = h.addProduct(10_000)
    const plenty = h.addProduct(2_000)
    expect((await order(user, [[scarce, 3]])).statusCode).toBe(201)
    const reservationsBefore = h.product.reservations().length
    const res = await order(user, [
      [plenty, 1],
      [scarce, 1],
    ])
    expect(res.statusCode).toBe(409)
    expect(res.json().detail).toContain(scarce)
    expect(await unitsInDb(user, plenty)).toBe(0)
    expect(h.product.reservations().length).toBe(reservationsBefore)
  })

  it('cancelled orders no longer count towards the cap', async () => {
    const user = randomUUID()
    const product = h.addProduct(10_000)
    const first = (await order(user, [[product, 3]])).json() as OrderView
    expect((await order(user, [[product, 1]])).statusCode).toBe(409)
    const cancel = await h.app.inject({ method: 'PUT', url: `/orders/${first.id}/cancel`, headers: await h.auth(user), payload: {} })
    expect(cancel.statusCode).toBe(200)
    expect((await order(user, [[product, 3]])).statusCode).toBe(201)
  })

  it('orders placed before the window do not count', async () => {
    const user = randomUUID()
    const product = h.addProduct(10_000)
    expect((await order(user, [[product, 3]])).statusCode).toBe(201)
    expect((await order(user, [[product, 1]])).statusCode).toBe(409)
    await h.db.pool.query(`UPDATE orders SET created_at = now() - interval '25 hours' WHERE user_id = $1`, [user])
    expect((await order(user, [[product, 3]])).statusCode).toBe(201)
  })

  it('of concurrent orders by one user, only as many units as the cap allows pass; the refused ones release their reservations', async () => {
    const user = randomUUID()
    const product = h.addProduct(99_000, '콘서트 티켓')
    const since = h.product.reservations().length
    // All six pass the early look before any is stored: product answers none of their
    // reservations until all six have asked.
    h.product.holdReservations(6)
    const results = await Promise.all(Array.from({ length: 6 }, () => order(user, [[product, 1]])))
    const codes = results.map((r) => r.statusCode).sort()
    expect(codes).toEqual([201, 201, 201, 409, 409, 409])
    for (const r of results.filter((x) => x.statusCode === 409)) expect(r.json().code).toBe('purchase_limit_exceeded')
    expect(await unitsInDb(user, product)).toBe(3)
    // The racers passed the early look together: the locked check in the transaction refused three after reserving.
    expect(await expectUnstoredReservationsReleased(since)).toBe(3)
  })

  it('two concurrent orders that each fit but together pass the cap: exactly one is placed', async () => {
    const user = randomUUID()
    const product = h.addProduct(30_000)
    const [a, b] = await Promise.all([order(user, [[product, 2]]), order(user, [[product, 2]])])
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409])
    expect(await unitsInDb(user, product)).toBe(2)
  })
})
