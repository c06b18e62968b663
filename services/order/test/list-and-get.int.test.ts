import { randomUUID } from 'node:crypto'
import type { OrderList, OrderView } from '@shop/contracts/order'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADDRESS, createHarness, events, type Harness } from './helpers.ts'

let h: Harness
const alice = randomUUID()
const bob = randomUUID()
const admin = randomUUID()
let aliceOrders: OrderView[] = []
let bobOrders: OrderView[] = []

beforeAll(async () => {
  h = await createHarness()
  // One at a time, so creation order is well defined.
  for (let i = 0; i < 5; i++) aliceOrders.push(await h.placed(alice))
  for (let i = 0; i < 3; i++) bobOrders.push(await h.placed(bob))
  await h.deliver(events.paymentCompleted(aliceOrders[1]), events.paymentCompleted(aliceOrders[3]))
  aliceOrders = aliceOrders.reverse()
  bobOrders = bobOrders.reverse()
})
afterAll(async () => {
  await h?.close()
})

async function list(userId: string, query: string, roles?: string[]) {
  return h.app.inject({ method: 'GET', url: `/orders${query}`, headers: await h.auth(userId, roles) })
}

/** Follows nextCursor to the end; returns the ids in the order served and the page sizes. */
async function allPages(userId: string, query: string, roles?: string[]) {
  const ids: string[] = []
  const sizes: number[] = []
  let cursor: string | null = null
  do {
    const sep = query ? '&' : '?'
    const res = await list(userId, `${query}${cursor ? `${sep}cursor=${cursor}` : ''}`, roles)
    expect(res.statusCode).toBe(200)
    const page = res.json() as OrderList
    ids.push(...page.items.map((o) => o.id))
    sizes.push(page.items.length)
    cursor = page.nextCursor
  } while (cursor)
  return { ids, sizes }
}

describe('GET /orders', () => {
  it('a customer pages through their own orders only, newest first, with the cursor', async () => {
    const { ids, sizes } = await allPages(alice, '?limit=2')
    expect(ids).toEqual(aliceOrders.map((o) => o.id))
    expect(sizes).toEqual([2, 2, 1])
  })

  it('the status filter narrows the list', async () => {
    const res = await list(alice, '?status=PAID')
    const page = res.json() as OrderList
    expect(page.items.map((o) => o.id).sort()).toEqual([aliceOrders[1].id, aliceOrders[3].id].sort())
    expect(page.items.every((o) => o.status === 'PAID')).toBe(true)
    expect(page.nextCursor).toBeNull()
  })

  it("an admin sees everyone's orders, and one user's with the userId filter", async () => {
    const everyone = await allPages(admin, '?limit=3', ['admin'])
    expect(everyone.ids).toEqual(expect.arrayContaining([...aliceOrders, ...bobOrders].map((o) => o.id)))
    expect(everyone.ids).toHaveLength(8)
    const onlyBob = await allPages(admin, `?userId=${bob}&limit=2`, ['admin'])
    expect(onlyBob.ids).toEqual(bobOrders.map((o) => o.id))
  })

  it("a customer asking for someone else's orders gets none", async () => {
    const res = await list(alice, `?userId=${bob}`)
    expect(res.json()).toEqual({ items: [], nextCursor: null })
  })

  it('a cursor that is not one of ours is 400 validation_failed', async () => {
    const res = await list(alice, '?cursor=bm90LWEtY3Vyc29y')
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'cursor' }] })
  })

  it('limit outside 1–100 is 400', async () => {
    expect((await list(alice, '?limit=0')).statusCode).toBe(400)
    expect((await list(alice, '?limit=101')).statusCode).toBe(400)
  })
})

describe('GET /orders/:id', () => {
  it('the owner sees the address in clear', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/orders/${aliceOrders[0].id}`, headers: await h.auth(alice) })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual(aliceOrders[0])
  })

  it('an admin who is not the owner sees the address masked', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/orders/${aliceOrders[0].id}`, headers: await h.auth(admin, ['admin']) })
    expect(res.statusCode).toBe(200)
    expect(res.json().shippingAddress).toEqual({
      recipient: '홍*동',
      phone: '010-****-5678',
      postalCode: ADDRESS.postalCode,
      address1: '서울특별시 강남구 ***',
    })
  })

  it("another customer gets 404 for someone else's order, the same as for an unknown id", async () => {
    const other = await h.app.inject({ method: 'GET', url: `/orders/${aliceOrders[0].id}`, headers: await h.auth(bob) })
    const unknown = await h.app.inject({ method: 'GET', url: `/orders/${randomUUID()}`, headers: await h.auth(bob) })
    expect(other.statusCode).toBe(404)
    expect(unknown.statusCode).toBe(404)
    expect(other.json().code).toBe(unknown.json().code)
  })
})
