import { randomUUID } from 'node:crypto'
import type { OrderSummary, OrderView } from '@shop/contracts/order'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, events, type Harness } from './helpers.ts'

// The summary's totals (kept from every change of every order) against a database of its own.

let h: Harness
const bob = randomUUID()
const admin = randomUUID()

beforeAll(async () => {
  h = await createHarness()
})
afterAll(async () => {
  await h?.close()
})

async function placeAt(o: OrderView, koreaTime: string) {
  await h.db.pool.query('UPDATE orders SET created_at = $2 WHERE id = $1', [o.id, `${koreaTime}+09:00`])
}
const get = async (url: string) => h.app.inject({ method: 'GET', url, headers: await h.auth(admin, ['admin']) })

describe('GET /orders/summary totals', () => {
  it('changes after a summary show in the next one: the totals follow every transition', async () => {
    const day = async () => ((await get('/orders/summary?from=2026-03-05&to=2026-03-05')).json() as OrderSummary).days[0]
    const o = await h.placed(bob)
    await placeAt(o, '2026-03-05T09:00:00')
    expect(await day()).toEqual({ date: '2026-03-05', orders: 1, paidOrders: 0, revenue: 0, refunded: 0 })
    const paymentId = randomUUID()
    await h.deliver(events.paymentCompleted(o, paymentId))
    expect(await day()).toEqual({ date: '2026-03-05', orders: 1, paidOrders: 1, revenue: o.total, refunded: 0 })
    await h.deliver(events.paymentRefunded(o, paymentId, 500))
    await placeAt(o, '2026-03-06T09:00:00')
    expect(await day()).toEqual({ date: '2026-03-05', orders: 0, paidOrders: 0, revenue: 0, refunded: 0 })
    const next = (await get('/orders/summary?from=2026-03-06&to=2026-03-06')).json() as OrderSummary
    expect(next.days).toEqual([{ date: '2026-03-06', orders: 1, paidOrders: 1, revenue: o.total, refunded: 500 }])
    expect(next.byStatus.PAID).toBe(1)
  })


  it('changes made by many writers at once all count', async () => {
    const orders = await Promise.all(Array.from({ length: 8 }, () => h.placed(bob)))
    await Promise.all(orders.map((o) => placeAt(o, '2026-04-01T12:00:00')))
    await Promise.all(orders.map((o) => h.deliver(events.paymentCompleted(o))))
    const s = (await get('/orders/summary?from=2026-04-01&to=2026-04-01')).json() as OrderSummary
    expect(s.days).toEqual([{ date: '2026-04-01', orders: 8, paidOrders: 8, revenue: orders.reduce((n, o) => n + o.total, 0), refunded: 0 }])
  })
})
