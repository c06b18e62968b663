import { randomUUID } from 'node:crypto'
import type { ShipmentList } from '@shop/contracts/shipping'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness, paidOrder } from './helpers.ts'

let h: Harness
let admin: { authorization: string }
const made: { orderId: string; shipmentId: string }[] = []
beforeAll(async () => {
  h = await createHarness()
  admin = await h.auth(randomUUID(), ['admin'])
  // One after the other, so the creation order is the queue's order.
  for (let i = 0; i < 4; i++) made.push(await paidOrder(h))
  const dispatched = await h.app.inject({
    method: 'PUT',
    url: `/shipments/${made[1].shipmentId}/status`,
    headers: admin,
    payload: { status: 'DISPATCHED', carrier: 'HANJIN' },
  })
  expect(dispatched.statusCode).toBe(200)
})
afterAll(() => h?.close())

const list = (query: string, headers = admin) => h.app.inject({ method: 'GET', url: `/shipments${query}`, headers })

describe('GET /shipments', () => {
  it('the READY queue comes oldest first, page by page without repeats, recipients masked', async () => {
    const ids: string[] = []
    let cursor: string | null = null
    do {
      const res = await list(`?status=READY&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      expect(res.statusCode).toBe(200)
      const page = res.json() as ShipmentList
      expect(page.items.every((s) => s.status === 'READY' && s.recipient.name.includes('*'))).toBe(true)
      ids.push(...page.items.map((s) => s.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(ids).toEqual([made[0], made[2], made[3]].map((m) => m.shipmentId))
  })

  it('without a status every shipment is listed, each with its events', async () => {
    const page = (await list('?limit=100')).json() as ShipmentList
    expect(page.items.map((s) => s.id)).toEqual(made.map((m) => m.shipmentId))
    const dispatched = page.items[1]
    expect(dispatched).toMatchObject({ status: 'DISPATCHED', carrier: 'HANJIN', orderId: made[1].orderId })
    expect(dispatched.events.map((e) => e.status)).toEqual(['READY', 'DISPATCHED'])
  })

  it('a customer is refused with 403, no token with 401, a foreign cursor with 400', async () => {
    expect((await list('', await h.auth(randomUUID()))).statusCode).toBe(403)
    expect((await h.app.inject({ method: 'GET', url: '/shipments' })).statusCode).toBe(401)
    const bad = await list('?cursor=bm9wZQ')
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ code: 'validation_failed' })
  })
})
