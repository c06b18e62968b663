import { randomUUID } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Payment } from '@shop/contracts/payment'
import { eventually } from '@shop/platform/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { orderCreated, type PaymentHarness, startPayments } from './helpers.ts'

/**
 * The client may pay before order.created reaches the payment service. These tests put a
 * local stand-in of the order service's GET /orders/:id contract in its place (the real
 * cross-service flow is the lead's e2e suite).
 */

interface StandInOrder {
  id: string
  userId: string
  status: string
  total: number
  expiresAt: string
}

const orders = new Map<string, StandInOrder>()
const seen: { path: string; headers: IncomingHttpHeaders }[] = []
const standIn = createServer((req, res) => {
  seen.push({ path: req.url ?? '', headers: req.headers })
  const id = /^\/orders\/([^/]+)$/.exec(req.url ?? '')?.[1]
  const order = id ? orders.get(id) : undefined
  // Like the order service: another user's order is 404.
  const owner = order && req.headers.authorization === `Bearer ${tokens.get(order.userId)}`
  if (!order || !owner) {
    res.writeHead(404, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ status: 404, code: 'not_found' }))
    return
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...order, currency: 'KRW', items: [], history: [] }))
})
const tokens = new Map<string, string>()

let h: PaymentHarness

beforeAll(async () => {
  await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve))
  const { port } = standIn.address() as AddressInfo
  h = await startPayments({ prefix: 'pay_fallback', env: { ORDER_URL: `http://127.0.0.1:${port}` } })
})

afterAll(async () => {
  await h?.close()
  standIn.closeAllConnections()
  await new Promise<void>((resolve) => standIn.close(() => resolve()))
})

async function knownOnlyToOrderService(harness = h, status = 'PENDING_PAYMENT', total = 14_000) {
  const order: StandInOrder = { id: randomUUID(), userId: randomUUID(), status, total, expiresAt: new Date(Date.now() + 600_000).toISOString() }
  orders.set(order.id, order)
  const token = await harness.tokenFor(order.userId)
  tokens.set(order.userId, token)
  return { order, token }
}

const pay = (orderId: string, amount: number) => ({ orderId, amount, method: 'transfer', paymentToken: 'tok_success' })

describe('paying an order whose order.created has not arrived yet', () => {
  it('prepares the payment from the order service (with the caller token) and charges it', async () => {
    const { order, token } = await knownOnlyToOrderService()
    const res = await h.pay(token, pay(order.id, order.total))
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ orderId: order.id, userId: order.userId, status: 'COMPLETED', amount: 14_000 })
    expect(seen.find((s) => s.path === `/orders/${order.id}`)?.headers.authorization).toBe(`Bearer ${token}`)
    expect(await h.charges(order.id)).toBe(1)
  })

  it('the order.created arriving afterwards changes nothing: still one payment, still COMPLETED', async () => {
    const { order, token } = await knownOnlyToOrderService()
    const paid = (await h.pay(token, pay(order.id, order.total))).json<Payment>()
    await h.deliver('order.created', orderCreated({ orderId: order.id, userId: order.userId, total: order.total }))
    const { rows } = await h.db.pool.query('SELECT id, status FROM payments WHERE order_id = $1', [order.id])
    expect(rows).toEqual([{ id: paid.id, status: 'COMPLETED' }])
  })

  it('checks the amount against the order total it fetched', async () => {
    const { order, token } = await knownOnlyToOrderService()
    const res = await h.pay(token, pay(order.id, order.total + 1))
    expect(res.statusCode).toBe(422)
    expect(res.json().code).toBe('amount_mismatch')
  })

  it('an order the order service does not know (or not for this user) is 404', async () => {
    const stranger = await h.tokenFor(randomUUID())
    expect((await h.pay(stranger, pay(randomUUID(), 1_000))).statusCode).toBe(404)
    const { order } = await knownOnlyToOrderService()
    const res = await h.pay(stranger, pay(order.id, order.total))
    expect(res.statusCode).toBe(404)
    expect(await h.charges(order.id)).toBe(0)
  })

  it('an order that is no longer PENDING_PAYMENT is 409 invalid_state and prepares nothing', async () => {
    const { order, token } = await knownOnlyToOrderService(h, 'CANCELLED')
    const res = await h.pay(token, pay(order.id, order.total))
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('invalid_state')
    const { rowCount } = await h.db.pool.query('SELECT 1 FROM payments WHERE order_id = $1', [order.id])
    expect(rowCount).toBe(0)
  })
})

describe('paying an order whose order.created lands while the payment waits for it', () => {
  // A wait far longer than any delivery takes, so only the barrier below decides the
  // order of events; the wake, not the timer, ends it.
  let w: PaymentHarness

  beforeAll(async () => {
    const { port } = standIn.address() as AddressInfo
    w = await startPayments({ prefix: 'pay_fallback_wait', env: { ORDER_URL: `http://127.0.0.1:${port}`, ORDER_CREATED_WAIT_MS: '60000' } })
  })

  afterAll(async () => {
    await w?.close()
  })

  it('the payment is charged once, without asking the order service', async () => {
    const { order, token } = await knownOnlyToOrderService(w)
    const paying = w.pay(token, pay(order.id, order.total))
    // The barrier: the request has found no payment and waits for this very order.
    await eventually(() => w.payments.preparations.waiting(order.id), { timeoutMs: 20_000 })
    await w.deliver('order.created', orderCreated({ orderId: order.id, userId: order.userId, total: order.total }))
    const res = await paying
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ orderId: order.id, status: 'COMPLETED' })
    expect(seen.filter((s) => s.path === `/orders/${order.id}`)).toEqual([])
    expect(await w.charges(order.id)).toBe(1)
  })

  it('a wrong amount is still refused once the payment is prepared: 422 amount_mismatch, nothing charged', async () => {
    const { order, token } = await knownOnlyToOrderService(w)
    const paying = w.pay(token, pay(order.id, order.total + 1))
    await eventually(() => w.payments.preparations.waiting(order.id), { timeoutMs: 20_000 })
    await w.deliver('order.created', orderCreated({ orderId: order.id, userId: order.userId, total: order.total }))
    const res = await paying
    expect(res.statusCode).toBe(422)
    expect(res.json().code).toBe('amount_mismatch')
    expect(await w.charges(order.id)).toBe(0)
    const { rows } = await w.db.pool.query('SELECT status FROM payments WHERE order_id = $1', [order.id])
    expect(rows).toEqual([{ status: 'READY' }])
  })
})
