import { randomUUID } from 'node:crypto'
import type { EventEnvelope } from '@shop/contracts'
import { createEvent } from '@shop/platform/events'
import type { Subscription } from '@shop/platform/ports'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { subscribeProductEvents } from '../src/events/subscribe.ts'
import { expireReservations } from '../src/use-cases/expire-reservations.ts'
import { createHarness, makeCategory, makeProduct, nextSku, type ProductHarness } from './helpers.ts'

// GET /internal/audit: each product's stock beside its books (the inventory ledger
// written with every on_hand change), for the gateway's consistency auditor.
let h: ProductHarness
let categoryId: string
let subscriptions: Subscription[] = []

beforeAll(async () => {
  h = await createHarness()
  categoryId = await makeCategory(h, 'audit')
  subscriptions = await subscribeProductEvents(h.deps)
})
afterAll(async () => {
  for (const s of subscriptions) await s.stop()
  await h?.close()
})

interface Facts {
  productId: string
  deleted: boolean
  onHand: number
  reserved: number
  activeReserved: number
  ledger: { initial: number; adjustments: number; sold: number; restocked: number }
}

async function auditPage(query = '', headers = h.admin) {
  return h.app.inject({ method: 'GET', url: `/internal/audit${query}`, headers })
}

/** Every page, walked with nextCursor. */
async function allFacts(limit = 500): Promise<Facts[]> {
  const out: Facts[] = []
  let cursor: string | null = null
  do {
    const res = await auditPage(`?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
    expect(res.statusCode, res.body).toBe(200)
    out.push(...res.json().items)
    cursor = res.json().nextCursor
  } while (cursor)
  return out
}

const factsOf = async (productId: string) => (await allFacts()).find((f) => f.productId === productId)

async function reserve(productId: string, quantity: number): Promise<string> {
  const orderId = randomUUID()
  const res = await h.app.inject({
    method: 'POST',
    url: '/internal/reservations',
    headers: h.customer,
    payload: { orderId, items: [{ productId, quantity }] },
  })
  expect(res.statusCode, res.body).toBe(201)
  return orderId
}

async function deliver(...events: EventEnvelope[]) {
  for (const e of events) await h.bus.publish(e)
  await h.bus.idle()
}
const paid = (orderId: string) =>
  createEvent('payment', 'payment.completed', {
    paymentId: randomUUID(),
    orderId,
    userId: randomUUID(),
    amount: 1000,
    method: 'card',
    approvedAt: new Date().toISOString(),
  })
const cancelled = (orderId: string, previousStatus: string) =>
  createEvent('order', 'order.cancelled', { orderId, userId: randomUUID(), reason: 'customer_request', previousStatus })

describe('GET /internal/audit (product)', () => {
  it('refuses a request without a token (401) and a customer (403)', async () => {
    expect((await auditPage('', {})).statusCode).toBe(401)
    const res = await auditPage('', h.customer)
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('forbidden')
  })

  it('books every on-hand change: initial stock, stock counts, sales, restocks; reservations only as reserved', async () => {
    const { id } = await makeProduct(h, { categoryId, stock: 10 })
    expect(await factsOf(id)).toEqual({
      productId: id,
      deleted: false,
      onHand: 10,
      reserved: 0,
      activeReserved: 0,
      ledger: { initial: 10, adjustments: 0, sold: 0, restocked: 0 },
    })

    const count = await h.app.inject({ method: 'PUT', url: `/products/${id}/stock`, headers: h.admin, payload: { onHand: 12 } })
    expect(count.statusCode).toBe(200)
    const sold = await reserve(id, 3)
    const held = await reserve(id, 2)
    expect(await factsOf(id)).toMatchObject({ onHand: 12, reserved: 5, activeReserved: 5, ledger: { adjustments: 2, sold: 0 } })

    await deliver(paid(sold))
    await deliver(cancelled(held, 'PENDING_PAYMENT'))
    const returned = await reserve(id, 1)
    await deliver(paid(returned))
    await deliver(cancelled(returned, 'PAID'))
    await h.app.inject({ method: 'PUT', url: `/products/${id}/stock`, headers: h.admin, payload: { onHand: 5 } })

    const f = (await factsOf(id)) as Facts
    // 12 counted, 3 + 1 sold, 1 back; then a count down to 5 books −4.
    expect(f).toMatchObject({ onHand: 5, reserved: 0, activeReserved: 0 })
    expect(f.ledger).toEqual({ initial: 10, adjustments: 2 - 4, sold: 4, restocked: 1 })
    expect(f.ledger.initial + f.ledger.adjustments + f.ledger.restocked - f.ledger.sold).toBe(f.onHand)
  })

  it('a late payment that takes the units off the shelf books them as sold', async () => {
    const { id } = await makeProduct(h, { categoryId, stock: 4 })
    const orderId = await reserve(id, 2)
    await h.db.pool.query("UPDATE reservations SET expires_at = now() - interval '1 second' WHERE order_id = $1", [orderId])
    expect(await expireReservations(h.ctx)).toBeGreaterThanOrEqual(1)
    await deliver(paid(orderId))
    expect(await factsOf(id)).toMatchObject({ onHand: 2, reserved: 0, ledger: { initial: 4, sold: 2 } })
  })

  it('a change made behind the books shows: the ledger no longer adds up to on hand', async () => {
    const { id } = await makeProduct(h, { categoryId, stock: 7 })
    await h.db.pool.query('UPDATE inventory SET on_hand = on_hand + 5 WHERE product_id = $1', [id])
    const f = (await factsOf(id)) as Facts
    expect(f.onHand).toBe(12)
    expect(f.ledger).toEqual({ initial: 7, adjustments: 0, sold: 0, restocked: 0 })
  })

  it('inventory inserted without the API (a bulk seed) still opens its books with its stock', async () => {
    const { rows } = await h.db.pool.query<{ id: string }>(
      `INSERT INTO products (sku, name, price, category_id) VALUES ($1, 'seeded', 100, $2) RETURNING id`,
      [nextSku('SEED'), categoryId],
    )
    await h.db.pool.query('INSERT INTO inventory (product_id, on_hand) VALUES ($1, 9)', [rows[0].id])
    expect(await factsOf(rows[0].id)).toMatchObject({ onHand: 9, ledger: { initial: 9, adjustments: 0 } })
  })

  it('pages by product id until nextCursor is null, each product once, and reports the outbox backlog', async () => {
    for (let i = 0; i < 3; i++) await makeProduct(h, { categoryId, stock: i })
    const everything = await allFacts()
    const paged = await allFacts(2)
    expect(paged.map((f) => f.productId)).toEqual(everything.map((f) => f.productId))
    expect(new Set(paged.map((f) => f.productId)).size).toBe(paged.length)
    expect(paged.map((f) => f.productId)).toEqual([...paged.map((f) => f.productId)].sort())

    // The harness's relay never runs, so every event written so far is still waiting.
    const { rows } = await h.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL')
    const body = (await auditPage('?limit=1')).json()
    expect(body.service).toBe('product')
    expect(body.outbox.count).toBe(rows[0].n)
    expect(body.outbox.count).toBeGreaterThan(0)
    expect(body.outbox.oldestAgeSeconds).toBeGreaterThanOrEqual(0)
  })

  it('refuses a limit above 1000 and a cursor that is not a product id', async () => {
    expect((await auditPage('?limit=1001')).statusCode).toBe(400)
    expect((await auditPage('?cursor=abc')).statusCode).toBe(400)
  })
})
