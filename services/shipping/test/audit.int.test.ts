import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness, orderCancelled, paidOrder } from './helpers.ts'

// GET /internal/audit: every shipment's order and status, for the gateway's consistency auditor.
let h: Harness
let admin: { authorization: string }

beforeAll(async () => {
  h = await createHarness()
  admin = await h.auth(randomUUID(), ['admin', 'customer'])
})
afterAll(() => h?.close())

interface Facts {
  shipmentId: string
  orderId: string
  status: string
  createdAt: string
  updatedAt: string
}

const page = (query = '', headers: Record<string, string> = admin) =>
  h.app.inject({ method: 'GET', url: `/internal/audit${query}`, headers })

async function allFacts(limit = 500): Promise<Facts[]> {
  const out: Facts[] = []
  let cursor: string | null = null
  do {
    const res = await page(`?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
    expect(res.statusCode, res.body).toBe(200)
    out.push(...res.json().items)
    cursor = res.json().nextCursor
  } while (cursor)
  return out
}

describe('GET /internal/audit (shipping)', () => {
  it('refuses a request without a token (401) and a customer (403)', async () => {
    expect((await page('', {})).statusCode).toBe(401)
    expect((await page('', await h.auth(randomUUID()))).statusCode).toBe(403)
  })

  it('lists each shipment with its order and status: ready, dispatched, cancelled', async () => {
    const ready = await paidOrder(h)
    const dispatched = await paidOrder(h)
    const res = await h.app.inject({
      method: 'PUT',
      url: `/shipments/${dispatched.shipmentId}/status`,
      headers: admin,
      payload: { status: 'DISPATCHED', carrier: 'CJ' },
    })
    expect(res.statusCode, res.body).toBe(200)
    const cancelled = await paidOrder(h)
    await h.bus.publish(orderCancelled(cancelled))
    await h.bus.idle()

    const facts = new Map((await allFacts()).map((f) => [f.orderId, f]))
    expect(facts.get(ready.orderId)).toMatchObject({ shipmentId: ready.shipmentId, status: 'READY' })
    expect(facts.get(dispatched.orderId)).toMatchObject({ shipmentId: dispatched.shipmentId, status: 'DISPATCHED' })
    expect(facts.get(cancelled.orderId)).toMatchObject({ status: 'CANCELLED' })
    const d = facts.get(dispatched.orderId) as Facts
    expect(Date.parse(d.updatedAt)).toBeGreaterThanOrEqual(Date.parse(d.createdAt))
  })

  it('pages by order id until nextCursor is null, each shipment once, with the outbox backlog', async () => {
    const everything = await allFacts()
    const paged = await allFacts(1)
    expect(everything.length).toBeGreaterThanOrEqual(3)
    expect(paged.map((f) => f.orderId)).toEqual(everything.map((f) => f.orderId))
    expect(paged.map((f) => f.orderId)).toEqual([...paged.map((f) => f.orderId)].sort())
    const body = (await page('?limit=1')).json()
    // The harness's relay never runs: shipment.dispatched is still waiting.
    expect(body).toMatchObject({ service: 'shipping', outbox: { count: (await h.outbox('shipment.dispatched')).length } })
    expect(body.outbox.count).toBeGreaterThan(0)
  })
})
