import { randomUUID } from 'node:crypto'
import type { OrderList, OrderSummary, OrderView } from '@shop/contracts/order'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, events, type Harness } from './helpers.ts'

/**
 * The admin console's order API: GET /orders/summary per Korea-time day, and the admin
 * filters of GET /orders. Orders are placed through the API, then moved to the instants
 * the test needs around Korea-time midnight (UTC+9).
 */

let h: Harness
const alice = randomUUID()
const bob = randomUUID()
const admin = randomUUID()
const placed: Record<string, OrderView> = {}

/** The order's placing time, set to a Korea-time wall clock. */
async function placeAt(o: OrderView, koreaTime: string) {
  await h.db.pool.query('UPDATE orders SET created_at = $2 WHERE id = $1', [o.id, `${koreaTime}+09:00`])
}

beforeAll(async () => {
  h = await createHarness()
  placed.lateFeb28 = await h.placed(bob)
  placed.lastMinuteMar1 = await h.placed(alice)
  placed.midnightMar2 = await h.placed(bob)
  placed.noonMar2 = await h.placed(alice)
  placed.midnightMar3 = await h.placed(alice)
  const pay = (o: OrderView) => {
    const paymentId = randomUUID()
    return { paymentId, event: events.paymentCompleted(o, paymentId) }
  }
  const a = pay(placed.lastMinuteMar1)
  const b = pay(placed.midnightMar2)
  const e = pay(placed.lateFeb28)
  await h.deliver(a.event, b.event, e.event, pay(placed.midnightMar3).event)
  await h.deliver(
    events.paymentRefunded(placed.lastMinuteMar1, a.paymentId, 3000),
    events.paymentRefunded(placed.midnightMar2, b.paymentId, placed.midnightMar2.total),
  )
  await h.app.inject({ method: 'PUT', url: `/orders/${placed.noonMar2.id}/cancel`, headers: await h.auth(alice), payload: {} })
  await placeAt(placed.lateFeb28, '2026-02-28T23:59:59.999')
  await placeAt(placed.lastMinuteMar1, '2026-03-01T23:59:00')
  await placeAt(placed.midnightMar2, '2026-03-02T00:00:00')
  await placeAt(placed.noonMar2, '2026-03-02T12:00:00')
  await placeAt(placed.midnightMar3, '2026-03-03T00:00:00')
})
afterAll(async () => {
  await h?.close()
})

const get = async (url: string, userId = admin, roles = ['admin']) => h.app.inject({ method: 'GET', url, headers: await h.auth(userId, roles) })

describe('GET /orders/summary', () => {
  it('adds up each Korea-time day: an order at 23:59 KST counts on its day, one at 00:00 KST on the next', async () => {
    const res = await get('/orders/summary?from=2026-03-01&to=2026-03-02')
    expect(res.statusCode).toBe(200)
    const a = placed.lastMinuteMar1
    const b = placed.midnightMar2
    expect(res.json()).toEqual({
      byStatus: { PENDING_PAYMENT: 0, PAID: 2, SHIPPED: 0, DELIVERED: 0, CANCELLED: 1 },
      days: [
        { date: '2026-03-01', orders: 1, paidOrders: 1, revenue: a.total, refunded: 3000 },
        { date: '2026-03-02', orders: 2, paidOrders: 1, revenue: b.total, refunded: b.total },
      ],
      totals: { orders: 3, revenue: a.total + b.total, refunded: 3000 + b.total },
    } satisfies OrderSummary)
  })

  it('a one-day range holds only that day; a day without orders is all zeros', async () => {
    const mar1 = (await get('/orders/summary?from=2026-03-01&to=2026-03-01')).json() as OrderSummary
    expect(mar1.days).toEqual([{ date: '2026-03-01', orders: 1, paidOrders: 1, revenue: placed.lastMinuteMar1.total, refunded: 3000 }])
    const quiet = (await get('/orders/summary?from=2026-01-10&to=2026-01-12')).json() as OrderSummary
    expect(quiet.days.map((d) => d.date)).toEqual(['2026-01-10', '2026-01-11', '2026-01-12'])
    expect(quiet.days.every((d) => d.orders === 0 && d.revenue === 0)).toBe(true)
    expect(quiet.totals).toEqual({ orders: 0, revenue: 0, refunded: 0 })
  })

  it('92 days is allowed; 93 days, a range ending before it starts, or a missing date is 400', async () => {
    expect((await get('/orders/summary?from=2026-01-01&to=2026-04-02')).statusCode).toBe(200)
    for (const q of ['from=2026-01-01&to=2026-04-03', 'from=2026-03-02&to=2026-03-01', 'from=2026-03-01', 'from=2026-03-01&to=March']) {
      const res = await get(`/orders/summary?${q}`)
      expect(res.statusCode, q).toBe(400)
      expect(res.json().code).toBe('validation_failed')
    }
  })

  it('a customer is refused with 403', async () => {
    const res = await get('/orders/summary?from=2026-03-01&to=2026-03-02', alice, ['customer'])
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('forbidden')
  })
})

describe('GET /orders admin filters', () => {
  const ids = async (url: string, userId = admin, roles = ['admin']) => {
    const res = await get(url, userId, roles)
    expect(res.statusCode, url).toBe(200)
    return (res.json() as OrderList).items.map((o) => o.id)
  }

  it('from and to are Korea-time dates, both included', async () => {
    expect(await ids('/orders?from=2026-03-02&to=2026-03-02')).toEqual([placed.noonMar2.id, placed.midnightMar2.id])
    expect(await ids('/orders?to=2026-03-01')).toEqual([placed.lastMinuteMar1.id, placed.lateFeb28.id])
    expect(await ids('/orders?from=2026-03-03')).toEqual([placed.midnightMar3.id])
  })

  it('status, userId and the filters combine', async () => {
    expect(await ids(`/orders?status=PAID&userId=${bob}`)).toEqual([placed.midnightMar2.id, placed.lateFeb28.id])
    expect(await ids(`/orders?status=CANCELLED&from=2026-03-01`)).toEqual([placed.noonMar2.id])
  })

  it('q finds orders by the start of their id, with or without dashes', async () => {
    const id = placed.midnightMar3.id
    expect(await ids(`/orders?q=${id.slice(0, 8)}`)).toEqual([id])
    expect(await ids(`/orders?q=${id.slice(0, 13).toUpperCase()}`)).toEqual([id])
    expect(await ids(`/orders?q=${id.replace(/-/g, '')}`)).toEqual([id])
    expect((await get('/orders?q=xyz')).statusCode).toBe(400)
  })

  it("a customer's filters only ever find their own orders", async () => {
    expect(await ids('/orders?from=2026-03-02&to=2026-03-02', alice, ['customer'])).toEqual([placed.noonMar2.id])
    expect(await ids(`/orders?q=${placed.midnightMar2.id.slice(0, 8)}`, alice, ['customer'])).toEqual([])
    expect(await ids(`/orders?q=${placed.noonMar2.id.slice(0, 8)}`, alice, ['customer'])).toEqual([placed.noonMar2.id])
  })
})
