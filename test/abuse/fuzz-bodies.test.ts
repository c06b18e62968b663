import { randomUUID } from 'node:crypto'
import { serverAvailable } from '@shop/platform/testing'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, until } from '../e2e/client.ts'
import { ADDRESS, createProduct, orderStatus, pay, placeOrder } from '../e2e/fixtures.ts'
import { type Shop, startDistributedShop } from '../e2e/shop.ts'
import { type FuzzInput, fuzzInput, toJson } from './fuzz-arbitraries.ts'
import { adminToken, type Client, leaksIn, send } from './kit.ts'

// Property-based fuzzing (fast-check) of every request body schema through the gateway:
// no input gives a 5xx, every refusal is problem+json with a code and nothing internal,
// and no input changes what its sender may not change (checked by snapshots at the end).
const ready = (await serverAvailable('rabbitmq')) && (await serverAvailable('redis'))
// FUZZ_RUNS=1000 for a deeper hunt; the default keeps the suite within its time budget.
const RUNS = Number(process.env.FUZZ_RUNS ?? 60)

interface Fixtures {
  admin: string
  alice: { token: string; userId: string; refreshToken: string }
  mallory: { token: string; userId: string }
  leaver: { token: string }
  roleTarget: { userId: string }
  buyer: { email: string; password: string }
  orderable: string
  victimProduct: string
  adminProduct: string
  categoryId: string
  aliceOpen: { id: string; total: number }
  alicePaid: { id: string; paymentId: string; shipmentId: string }
  malloryOpen: { id: string; total: number }
  spare: { paymentId: string; shipmentId: string }
}

interface Target {
  name: string
  method: string
  path(f: Fixtures): string
  token?(f: Fixtures): string
  seed(f: Fixtures): unknown
  /** Statuses this sender may get at all (default: anything below 500). */
  allowed?: number[]
  /** Further checks on a 2xx answer. */
  accepted?(f: Fixtures, body: any): void // eslint-disable-line @typescript-eslint/no-explicit-any -- answers are checked by assertions
}

const line = (f: Fixtures) => ({ items: [{ productId: f.orderable, quantity: 1 }], shippingAddress: ADDRESS })
const HOME = { label: '집', recipient: '홍길동', phone: '010-1234-5678', postalCode: '06236', address1: '서울특별시 강남구', address2: '1층' }
const productBody = (f: Fixtures) => ({
  sku: `FZ-${randomUUID().slice(0, 8)}`,
  name: '퍼징 상품',
  description: 'fuzz',
  price: 12_000,
  categoryId: f.categoryId,
  attributes: { color: 'red', size: [1, 2] },
  images: ['https://cdn.example.com/a.png'],
  stock: 5,
})
const REFUSED = [400, 403]

const TARGETS: Target[] = [
  { name: 'register', method: 'POST', path: () => '/auth/register', seed: () => ({ email: `fz-${randomUUID().slice(0, 8)}@shop.test`, password: `Pw-${randomUUID()}`, name: '홍길동', phone: '010-1234-5678' }), accepted: (_f, b) => expect(b.user.roles).toEqual(['customer']) },
  { name: 'login', method: 'POST', path: () => '/auth/login', seed: (f) => ({ email: f.buyer.email, password: f.buyer.password }) },
  { name: 'refresh', method: 'POST', path: () => '/auth/refresh', seed: () => ({ refreshToken: randomUUID().replace(/-/g, '') }) },
  { name: "logout with another user's refresh token", method: 'POST', path: () => '/auth/logout', token: (f) => f.leaver.token, seed: (f) => ({ refreshToken: f.alice.refreshToken }) },
  { name: 'profile update', method: 'PUT', path: () => '/auth/profile', token: (f) => f.mallory.token, seed: () => ({ name: '새이름', phone: '010-2222-3333', addresses: [HOME] }), accepted: (f, b) => expect(b).toMatchObject({ id: f.mallory.userId, roles: ['customer'] }) },
  { name: 'roles, as a customer on themself', method: 'PUT', path: (f) => `/auth/users/${f.mallory.userId}/roles`, token: (f) => f.mallory.token, seed: () => ({ roles: ['admin'] }), allowed: REFUSED },
  { name: 'roles, as an admin', method: 'PUT', path: (f) => `/auth/users/${f.roleTarget.userId}/roles`, token: (f) => f.admin, seed: () => ({ roles: ['customer'] }) },
  { name: 'product create, as an admin', method: 'POST', path: () => '/products', token: (f) => f.admin, seed: productBody },
  { name: 'product create, as a customer', method: 'POST', path: () => '/products', token: (f) => f.mallory.token, seed: productBody, allowed: REFUSED },
  { name: 'product update, as an admin', method: 'PUT', path: (f) => `/products/${f.adminProduct}`, token: (f) => f.admin, seed: (f) => ({ ...productBody(f), sku: `FZ-U-${randomUUID().slice(0, 8)}` }) },
  { name: "product update, as a customer on someone's product", method: 'PUT', path: (f) => `/products/${f.victimProduct}`, token: (f) => f.mallory.token, seed: () => ({ name: 'pwned', price: 1, stock: 0 }), allowed: REFUSED },
  { name: 'stock, as an admin', method: 'PUT', path: (f) => `/products/${f.adminProduct}/stock`, token: (f) => f.admin, seed: () => ({ onHand: 50 }) },
  { name: 'stock, as a customer', method: 'PUT', path: (f) => `/products/${f.victimProduct}/stock`, token: (f) => f.mallory.token, seed: () => ({ onHand: 0 }), allowed: REFUSED },
  { name: 'category create, as an admin', method: 'POST', path: () => '/categories', token: (f) => f.admin, seed: () => ({ name: '퍼징', slug: `fz-${randomUUID().slice(0, 8)}`, parentId: null }) },
  { name: 'category create, as a customer', method: 'POST', path: () => '/categories', token: (f) => f.mallory.token, seed: () => ({ name: '퍼징', slug: 'fz-cat' }), allowed: REFUSED },
  {
    name: 'order create',
    method: 'POST',
    path: () => '/orders',
    token: (f) => f.mallory.token,
    seed: line,
    accepted: (f, b) => {
      expect(b.userId).toBe(f.mallory.userId)
      expect(b.items).toEqual([expect.objectContaining({ productId: f.orderable, unitPrice: 5_000 })])
    },
  },
  { name: "cancel, on someone else's order", method: 'PUT', path: (f) => `/orders/${f.aliceOpen.id}/cancel`, token: (f) => f.mallory.token, seed: () => ({ reason: '내 주문' }), allowed: [400, 404] },
  { name: 'cancel, on an own order', method: 'PUT', path: (f) => `/orders/${f.malloryOpen.id}/cancel`, token: (f) => f.mallory.token, seed: () => ({ reason: '단순 변심' }) },
  { name: "payment, for someone else's order", method: 'POST', path: () => '/payments', token: (f) => f.mallory.token, seed: (f) => ({ orderId: f.aliceOpen.id, amount: f.aliceOpen.total, method: 'card', paymentToken: 'tok_success' }), accepted: (f, b) => expect(b.orderId).not.toBe(f.aliceOpen.id) },
  { name: 'payment, for an own order', method: 'POST', path: () => '/payments', token: (f) => f.mallory.token, seed: (f) => ({ orderId: f.malloryOpen.id, amount: f.malloryOpen.total, method: 'easy_pay', paymentToken: 'tok_success' }) },
  { name: 'refund, as the customer who paid', method: 'POST', path: (f) => `/payments/${f.alicePaid.paymentId}/refund`, token: (f) => f.alice.token, seed: () => ({ amount: 1_000, reason: '단순 변심' }), allowed: REFUSED },
  { name: 'refund, as an admin', method: 'POST', path: (f) => `/payments/${f.spare.paymentId}/refund`, token: (f) => f.admin, seed: () => ({ amount: 1_000, reason: '부분 환불' }) },
  { name: 'shipping quote', method: 'POST', path: () => '/shipping/quote', seed: () => ({ subtotal: 30_000, postalCode: '63100' }), accepted: (_f, b) => expect(Number.isSafeInteger(b.fee) && b.fee >= 0).toBe(true) },
  { name: 'shipment status, as the customer', method: 'PUT', path: (f) => `/shipments/${f.alicePaid.shipmentId}/status`, token: (f) => f.alice.token, seed: () => ({ status: 'DISPATCHED', carrier: 'CJ', trackingNumber: 'CJ1234567890' }), allowed: REFUSED },
  { name: 'shipment status, as an admin', method: 'PUT', path: (f) => `/shipments/${f.spare.shipmentId}/status`, token: (f) => f.admin, seed: () => ({ status: 'DISPATCHED', carrier: 'HANJIN', trackingNumber: 'HJ1234567890' }) },
]

describe.runIf(ready)('property-based fuzzing of every request body (distributed shop)', () => {
  let shop: Shop
  let client: Client
  let f: Fixtures

  async function paidOrder(token: string, productId: string) {
    const order = (await placeOrder(client, token, productId, 1)).body
    const payment = (await pay(client, token, order.id, order.total)).body
    await orderStatus(client, token, order.id, 'PAID')
    const shipmentId = await until('shipment', async () => {
      const r = await client.get(`/shipments/${order.id}`, token)
      return r.status === 200 && (r.body.id as string)
    })
    return { id: order.id as string, paymentId: payment.id as string, shipmentId }
  }

  beforeAll(async () => {
    shop = await startDistributedShop()
    client = api(shop.gatewayUrl)
    const admin = await adminToken(client, shop)
    const aliceSession = await client.call('POST', '/auth/register', { body: { email: `alice-${randomUUID().slice(0, 8)}@shop.test`, password: `Pw-${randomUUID()}`, name: '앨리스' } })
    const [mallory, leaver, roleTarget, spender] = await Promise.all([client.register(), client.register(), client.register(), client.register()])
    const buyer = { email: `fz-login-${randomUUID().slice(0, 8)}@shop.test`, password: `Pw-${randomUUID()}` }
    await client.call('POST', '/auth/register', { body: { ...buyer, name: '로그인' } })
    const [orderable, victimProduct, adminProduct] = await Promise.all([createProduct(client, admin, 5_000, 1_000_000), createProduct(client, admin, 9_900, 10), createProduct(client, admin, 1_000, 10)])
    const alice = { token: aliceSession.body.accessToken, userId: aliceSession.body.user.id, refreshToken: aliceSession.body.refreshToken }
    const categoryId = (await client.get(`/products/${orderable}`)).body.categoryId
    const [aliceOpen, malloryOpen] = [(await placeOrder(client, alice.token, orderable, 1)).body, (await placeOrder(client, mallory.token, orderable, 1)).body]
    const [alicePaid, spare] = await Promise.all([paidOrder(alice.token, orderable), paidOrder(spender.token, orderable)])
    f = { admin, alice, mallory, leaver, roleTarget, buyer, orderable, victimProduct, adminProduct, categoryId, aliceOpen, alicePaid, malloryOpen, spare }
    before = await snapshot()
  }, 240_000)
  afterAll(async () => {
    await shop?.stop()
  }, 60_000)

  /** What the fuzzing must leave as it was: alice's things, the victim product, mallory's privileges. */
  const snapshot = async () => ({
    aliceProfile: (await client.get('/auth/profile', f.alice.token)).body,
    aliceOpen: (await client.get(`/orders/${f.aliceOpen.id}`, f.alice.token)).body,
    alicePaid: (await client.get(`/orders/${f.alicePaid.id}`, f.alice.token)).body,
    alicePayment: (await client.get(`/payments/${f.alicePaid.paymentId}`, f.alice.token)).body,
    aliceShipment: (await client.get(`/shipments/${f.alicePaid.id}`, f.alice.token)).body,
    victimProduct: (await client.get(`/products/${f.victimProduct}`)).body,
    malloryRoles: (await client.get('/auth/profile', f.mallory.token)).body.roles,
  })
  let before: Awaited<ReturnType<typeof snapshot>>

  async function fire(t: Target, input: FuzzInput) {
    const headers: Record<string, string> = { 'idempotency-key': randomUUID() }
    const opts = { rawBody: 'raw' in input ? input.raw : toJson(input.body) }
    return send(`${shop.gatewayUrl}/v1${t.path(f)}`, { method: t.method, token: t.token?.(f), headers, ...opts })
  }

  for (const t of TARGETS) {
    it(`${t.name}: no input gives a 5xx; every refusal is a clean problem with a code`, async () => {
      await fc.assert(
        fc.asyncProperty(fuzzInput(t.seed(f)), async (input) => {
          const res = await fire(t, input)
          const what = `${t.method} ${t.path(f)} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 300)}`
          expect(res.status, what).toBeLessThan(500)
          if (t.allowed) expect(t.allowed, what).toContain(res.status)
          if (res.status >= 400) {
            expect(res.headers.get('content-type') ?? '', what).toMatch(/^application\/problem\+json/)
            expect(typeof res.body?.code, what).toBe('string')
            expect(leaksIn(res, shop), what).toEqual([])
          } else {
            t.accepted?.(f, res.body)
          }
        }),
        { numRuns: RUNS },
      )
    }, 90_000)
  }

  it('after all the fuzzing, nothing changed that its senders were not allowed to change', async () => {
    expect(await snapshot()).toEqual(before)
    expect(before.malloryRoles).toEqual(['customer'])
    expect(before.aliceOpen.status).toBe('PENDING_PAYMENT')
    const refreshed = await client.call('POST', '/auth/refresh', { body: { refreshToken: f.alice.refreshToken } })
    expect(refreshed.status, 'a logout with her refresh token, sent by someone else, must not end her session').toBe(200)
  })
})
