import { randomUUID } from 'node:crypto'
import { serverAvailable } from '@shop/platform/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ApiResponse, api, until } from '../e2e/client.ts'
import { ADDRESS, createProduct, orderStatus, pay, placeOrder } from '../e2e/fixtures.ts'
import { type Shop, startDistributedShop } from '../e2e/shop.ts'
import { adminToken, type Client, documentedOperations, expectProblem, OWNER_OF_PREFIX, plausibleBody, send, tokenProbes } from './kit.ts'
import { tokenLab } from './tokens.ts'

// OWASP API Security Top 10 (2023), the access-control half, through the gateway of a
// distributed shop: API1 object level, API2 authentication, API3 object properties,
// API5 function level, API6 business flows (the per-user purchase cap, set to 2 here).
const ready = (await serverAvailable('rabbitmq')) && (await serverAvailable('redis'))

describe.runIf(ready)('OWASP API Top 10: access control (distributed shop)', () => {
  let shop: Shop
  let client: Client
  let admin: string
  type Buyer = Awaited<ReturnType<Client['register']>>
  let alice: Buyer
  let mallory: Buyer
  let productId: string
  let paid: { id: string; total: number }
  let open: { id: string; total: number }
  let paymentId: string
  let shipmentId: string
  // Alice's own address, so that nothing of it can come from anyone else's orders.
  const ALICE_ADDRESS = { recipient: '앨리스', phone: '010-2468-1357', postalCode: '04524', address1: '서울특별시 중구 세종대로 110' }
  const aliceOrder = async (quantity: number) => {
    const res = await client.call('POST', '/orders', {
      token: alice.token,
      idempotencyKey: randomUUID(),
      body: { items: [{ productId, quantity }], shippingAddress: ALICE_ADDRESS },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body as { id: string; total: number }
  }

  beforeAll(async () => {
    shop = await startDistributedShop({ MAX_UNITS_PER_USER_PER_PRODUCT: '2' })
    client = api(shop.gatewayUrl)
    admin = await adminToken(client, shop)
    ;[alice, mallory] = await Promise.all([client.register(), client.register()])
    productId = await createProduct(client, admin, 12_000, 50)
    paid = await aliceOrder(1)
    const payment = await pay(client, alice.token, paid.id, paid.total)
    expect(payment.body.status, JSON.stringify(payment.body)).toBe('COMPLETED')
    paymentId = payment.body.id
    await orderStatus(client, alice.token, paid.id, 'PAID')
    shipmentId = await until('alice has a shipment', async () => {
      const r = await client.get(`/shipments/${paid.id}`, alice.token)
      return r.status === 200 && (r.body.id as string)
    })
    open = await aliceOrder(1)
  }, 240_000)
  afterAll(async () => {
    await shop?.stop()
  }, 60_000)

  /** What of alice must never show up in an answer to anyone else. */
  const aliceSecrets = () => [alice.userId, alice.email, ALICE_ADDRESS.recipient, ALICE_ADDRESS.phone, ALICE_ADDRESS.address1]
  const expectNothingOfAlice = (res: { body: unknown }) => {
    const text = JSON.stringify(res.body)
    for (const secret of aliceSecrets()) expect(text, `leaks ${secret}`).not.toContain(secret)
  }

  describe('API1:2023 broken object level authorization', () => {
    it("another customer's order is 404 to read and to cancel, exactly like an unknown id, with nothing of it in the body", async () => {
      const unknown = await client.get(`/orders/${randomUUID()}`, mallory.token)
      expectProblem(unknown, 404, 'not_found')
      for (const [method, path] of [
        ['GET', `/orders/${paid.id}`],
        ['GET', `/orders/${open.id}`],
        ['PUT', `/orders/${open.id}/cancel`],
        ['PUT', `/orders/${paid.id}/cancel`],
      ] as const) {
        const res = await client.call(method, path, { token: mallory.token, body: method === 'PUT' ? { reason: 'mine now' } : undefined })
        expectProblem(res, 404, 'not_found')
        expect(res.body.title).toBe(unknown.body.title)
        expectNothingOfAlice(res)
      }
      expect((await client.get(`/orders/${open.id}`, alice.token)).body.status).toBe('PENDING_PAYMENT')
      expect((await client.get(`/orders/${paid.id}`, alice.token)).body.status).toBe('PAID')
    })

    it("a customer's order list holds only their own orders, whatever userId they ask for", async () => {
      const own = await placeOrder(client, mallory.token, productId, 1)
      expect(own.status).toBe(201)
      for (const query of [`?userId=${alice.userId}`, '?limit=100', `?userId=${alice.userId}&status=PAID`]) {
        const res = await client.get(`/orders${query}`, mallory.token)
        expect(res.status).toBe(200)
        expect(res.body.items.every((o: { userId: string }) => o.userId === mallory.userId)).toBe(true)
        expectNothingOfAlice(res)
      }
    })

    it("another customer's payment is 404, and their order cannot be paid by someone else", async () => {
      const read = await client.get(`/payments/${paymentId}`, mallory.token)
      expectProblem(read, 404, 'not_found')
      expectNothingOfAlice(read)
      const payForAlice = await pay(client, mallory.token, open.id, open.total)
      expectProblem(payForAlice, 404, 'not_found')
      expectNothingOfAlice(payForAlice)
      const after = await client.get(`/orders/${open.id}`, alice.token)
      expect(after.body.status).toBe('PENDING_PAYMENT')
      expect(after.body.payment).toBeUndefined()
    })

    it("another customer's shipment is 404; public tracking carries no personal data; an admin sees the recipient masked", async () => {
      const res = await client.get(`/shipments/${paid.id}`, mallory.token)
      expectProblem(res, 404, 'not_found')
      expectNothingOfAlice(res)

      const trackingNumber = `AB${Date.now()}`
      const dispatched = await client.call('PUT', `/shipments/${shipmentId}/status`, {
        token: admin,
        body: { status: 'DISPATCHED', carrier: 'CJ', trackingNumber },
      })
      expect(dispatched.status, JSON.stringify(dispatched.body)).toBe(200)
      const tracking = await client.get(`/shipments/tracking/${trackingNumber}`)
      expect(tracking.status).toBe(200)
      expectNothingOfAlice(tracking)
      expect(JSON.stringify(tracking.body)).not.toContain(paid.id)

      const asAdmin = await client.get(`/shipments/${paid.id}`, admin)
      expect(asAdmin.status).toBe(200)
      expect(asAdmin.body.recipient.name).not.toBe(ALICE_ADDRESS.recipient)
      expect(asAdmin.body.recipient.phone).toContain('****')
    })
  })

  describe('API2:2023 broken authentication', () => {
    const probes = () => tokenProbes(shop)

    it('forged, expired, foreign-audience and tampered tokens are 401 at the gateway and at every service; a genuine one passes', async () => {
      const lab = await tokenLab(shop)
      const control = await lab.genuine(alice.userId)
      for (const probe of probes()) {
        const res = await send(probe.url, { method: probe.method, token: control })
        expect(res.status, `${probe.name} refused the genuine control token: ${JSON.stringify(res.body)}`).not.toBe(401)
      }
      for (const forgery of await lab.forgeries(alice.userId, alice.token)) {
        for (const probe of probes()) {
          const res = await send(probe.url, { method: probe.method, token: forgery.token })
          expect(res.status, `${probe.name} accepted ${forgery.name}: ${JSON.stringify(res.body)}`).toBe(401)
          expectProblem(res, 401, 'unauthorized')
        }
      }
    })

    it('after logout the access token is refused by the gateway and by every service, and its refresh token is dead', async () => {
      const email = `bob-${randomUUID().slice(0, 8)}@shop.test`
      const session = await client.call('POST', '/auth/register', { body: { email, password: `Pw-${randomUUID()}`, name: '김밥' } })
      expect(session.status).toBe(201)
      const { accessToken, refreshToken } = session.body
      for (const probe of probes()) expect((await send(probe.url, { method: probe.method, token: accessToken })).status, probe.name).not.toBe(401)
      expect((await client.call('POST', '/auth/logout', { token: accessToken, body: { refreshToken } })).status).toBe(204)
      for (const probe of probes()) {
        const res = await send(probe.url, { method: probe.method, token: accessToken })
        expect(res.status, `${probe.name} still accepts a logged-out token`).toBe(401)
      }
      expectProblem(await client.call('POST', '/auth/refresh', { body: { refreshToken } }), 401, 'unauthorized')
    })

    it('a replayed refresh token is refused and takes the whole session family down with it', async () => {
      const email = `carol-${randomUUID().slice(0, 8)}@shop.test`
      const first = await client.call('POST', '/auth/register', { body: { email, password: `Pw-${randomUUID()}`, name: '이영희' } })
      const rotated = await client.call('POST', '/auth/refresh', { body: { refreshToken: first.body.refreshToken } })
      expect(rotated.status).toBe(200)
      expectProblem(await client.call('POST', '/auth/refresh', { body: { refreshToken: first.body.refreshToken } }), 401)
      expectProblem(await client.call('POST', '/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } }), 401)
    })

    // The web app keeps its refresh token in the gateway's HttpOnly cookie (x-refresh-cookie: 1).
    const WEB = { 'x-refresh-cookie': '1' }
    const withCookie = (value: string) => ({ ...WEB, cookie: `theme=dark; shop_refresh=${encodeURIComponent(value)}` })
    /** The session cookie an answer sets: its value and attributes. */
    const sessionCookie = (res: ApiResponse) => {
      const set = res.headers.getSetCookie().filter((c) => c.startsWith('shop_refresh='))
      expect(set, JSON.stringify(res.headers.getSetCookie())).toHaveLength(1)
      const [pair, ...attributes] = (set[0] as string).split(/;\s*/)
      return { value: decodeURIComponent((pair as string).slice('shop_refresh='.length)), attributes }
    }
    const webUser = () => ({ email: `dave-${randomUUID().slice(0, 8)}@shop.test`, password: `Pw-${randomUUID()}`, name: '박지성' })

    it("the web's session cookie is HttpOnly, SameSite=Strict and sent only to /v1/auth; no answer carries the refresh token; refreshing by it rotates it, and a replayed one takes the family down", async () => {
      const reg = await client.call('POST', '/auth/register', { headers: WEB, body: webUser() })
      expect(reg.status, JSON.stringify(reg.body)).toBe(201)
      expect(Object.keys(reg.body).sort()).toEqual(['accessToken', 'expiresIn', 'user'])
      const first = sessionCookie(reg)
      // The gateway is reached on 127.0.0.1, a secure context to browsers: the cookie is Secure.
      expect(first.attributes.sort()).toEqual(['HttpOnly', 'Max-Age=2592000', 'Path=/v1/auth', 'SameSite=Strict', 'Secure'])

      const rotated = await client.call('POST', '/auth/refresh', { headers: withCookie(first.value), body: {} })
      expect(rotated.status, JSON.stringify(rotated.body)).toBe(200)
      expect(Object.keys(rotated.body).sort()).toEqual(['accessToken', 'expiresIn'])
      const second = sessionCookie(rotated)
      expect(second.value).not.toBe(first.value)
      expect((await client.get('/auth/profile', rotated.body.accessToken)).status).toBe(200)

      const replayed = await client.call('POST', '/auth/refresh', { headers: withCookie(first.value), body: {} })
      expectProblem(replayed, 401, 'unauthorized')
      expect(sessionCookie(replayed).attributes).toContain('Max-Age=0')
      expectProblem(await client.call('POST', '/auth/refresh', { headers: withCookie(second.value), body: {} }), 401, 'unauthorized')
    })

    it('a refresh token from the page (a session kept before the cookie) moves into the cookie; logout by the cookie ends the session and clears it; no cookie, no refresh', async () => {
      const reg = await client.call('POST', '/auth/register', { body: webUser() })
      expect(reg.headers.getSetCookie()).toEqual([])
      const moved = await client.call('POST', '/auth/refresh', { headers: WEB, body: { refreshToken: reg.body.refreshToken } })
      expect(moved.status, JSON.stringify(moved.body)).toBe(200)
      expect(moved.body.refreshToken).toBeUndefined()
      const cookie = sessionCookie(moved)

      const out = await client.call('POST', '/auth/logout', { token: moved.body.accessToken, headers: withCookie(cookie.value), body: {} })
      expect(out.status, JSON.stringify(out.body)).toBe(204)
      expect(sessionCookie(out).attributes).toContain('Max-Age=0')
      expect((await client.get('/auth/profile', moved.body.accessToken)).status).toBe(401)
      expectProblem(await client.call('POST', '/auth/refresh', { headers: withCookie(cookie.value), body: {} }), 401, 'unauthorized')
      // Without the cookie, nothing reaches auth; a body that is not an object is refused as auth refuses it.
      expectProblem(await client.call('POST', '/auth/refresh', { headers: WEB, body: {} }), 401, 'unauthorized')
      expectProblem(await client.call('POST', '/auth/refresh', { headers: withCookie(cookie.value), body: [1] }), 400, 'validation_failed')
    })
  })

  describe('API3:2023 broken object property level authorization', () => {
    it('register refuses roles and other server-owned fields with 400, and creates no account', async () => {
      for (const extra of [{ roles: ['admin'] }, { role: 'admin' }, { isAdmin: true }, { id: randomUUID() }, { createdAt: '2020-01-01T00:00:00Z' }]) {
        const email = `mass-${randomUUID().slice(0, 8)}@shop.test`
        const password = `Pw-${randomUUID()}`
        const res = await client.call('POST', '/auth/register', { body: { email, password, name: '공격자', ...extra } })
        expectProblem(res, 400, 'validation_failed')
        expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: `/${Object.keys(extra)[0]}` })]))
        expectProblem(await client.call('POST', '/auth/login', { body: { email, password } }), 401)
      }
    })

    it('a profile update cannot set roles, email or id', async () => {
      const before = await client.get('/auth/profile', mallory.token)
      for (const extra of [{ roles: ['admin'] }, { email: 'admin@shop.test' }, { id: alice.userId }, { name: '새이름', roles: ['admin'] }]) {
        expectProblem(await client.call('PUT', '/auth/profile', { token: mallory.token, body: extra }), 400, 'validation_failed')
      }
      expect((await client.get('/auth/profile', mallory.token)).body).toEqual(before.body)
    })

    it('an order body cannot set its owner, status, totals or unit prices; nothing is stored and stock is untouched', async () => {
      const stockBefore = (await client.get(`/products/${productId}`)).body.stock.available
      const countBefore = (await client.get('/orders?limit=100', mallory.token)).body.items.length
      const line = { productId, quantity: 1 }
      const bodies = [
        { userId: alice.userId },
        { status: 'PAID' },
        { total: 1 },
        { subtotal: 1, shippingFee: 0 },
        { items: [{ ...line, unitPrice: 1 }] },
        { items: [{ ...line, price: 1 }] },
        { items: [{ ...line, lineTotal: 1 }] },
        { payment: { status: 'COMPLETED' } },
      ]
      for (const extra of bodies) {
        const res = await client.call('POST', '/orders', { token: mallory.token, idempotencyKey: randomUUID(), body: { items: [line], shippingAddress: ADDRESS, ...extra } })
        expectProblem(res, 400, 'validation_failed')
      }
      expect((await client.get('/orders?limit=100', mallory.token)).body.items.length).toBe(countBefore)
      expect((await client.get(`/products/${productId}`)).body.stock.available).toBe(stockBefore)
    })

    it('a payment body cannot set its status, the captured amount or its owner; the order stays unpaid', async () => {
      const order = (await client.get('/orders?limit=1', mallory.token)).body.items[0]
      for (const extra of [{ status: 'COMPLETED' }, { refundedAmount: 0 }, { approvedAt: new Date().toISOString() }, { userId: alice.userId }]) {
        const res = await client.call('POST', '/payments', {
          token: mallory.token,
          idempotencyKey: randomUUID(),
          body: { orderId: order.id, amount: order.total, method: 'card', paymentToken: 'tok_success', ...extra },
        })
        expectProblem(res, 400, 'validation_failed')
      }
      expect((await client.get(`/orders/${order.id}`, mallory.token)).body.status).toBe('PENDING_PAYMENT')
    })

    it('answers expose no secrets: no password hashes or session ids, and an admin sees other people’s addresses masked', async () => {
      const login = await client.call('POST', '/auth/login', { body: { email: alice.email, password: 'wrong-password-123' } })
      for (const res of [login, await client.get('/auth/profile', alice.token), await client.get(`/products/${productId}`)]) {
        expect(JSON.stringify(res.body)).not.toMatch(/argon2|passwordHash|password_hash|familyId|onHand|reserved/i)
      }
      const order = await client.get(`/orders/${paid.id}`, admin)
      expect(order.status).toBe(200)
      expect(order.body.shippingAddress.recipient).not.toBe(ALICE_ADDRESS.recipient)
      expect(order.body.shippingAddress.phone).not.toBe(ALICE_ADDRESS.phone)
    })
  })

  describe('API5:2023 broken function level authorization', () => {
    it('every admin route (from the OpenAPI document, /v1/admin/* included) answers 401 without a token and 403 to a customer, and changes nothing', async () => {
      const ops = await documentedOperations(client)
      const known = [
        'PUT /v1/auth/users/{id}/roles',
        'POST /v1/products',
        'PUT /v1/products/{id}',
        'DELETE /v1/products/{id}',
        'PUT /v1/products/{id}/stock',
        'POST /v1/categories',
        'POST /v1/payments/{id}/refund',
        'PUT /v1/shipments/{id}/status',
        'GET /v1/admin/audit',
        'POST /v1/admin/dlq/{service}/replay',
      ]
      const adminOps = ops.filter((o) => o.responses.includes('403') || o.path.startsWith('/v1/admin'))
      const names = adminOps.map((o) => `${o.method} ${o.path}`)
      expect(names).toEqual(expect.arrayContaining(known))

      const snapshot = async () => ({
        product: (await client.get(`/products/${productId}`)).body,
        malloryRoles: (await client.get('/auth/profile', mallory.token)).body.roles,
        payment: (await client.get(`/payments/${paymentId}`, alice.token)).body,
        shipment: (await client.get(`/shipments/${paid.id}`, alice.token)).body,
        categories: (await client.get('/categories')).body.items.length,
      })
      const before = await snapshot()
      const targets: Record<string, string> = { products: productId, users: mallory.userId, payments: paymentId, shipments: shipmentId, dlq: 'order' }
      for (const op of adminOps) {
        const path = op.path.replace(/\/([a-z]+)\/\{[^}]+\}/g, (_m, parent: string) => `/${parent}/${targets[parent] ?? randomUUID()}`).slice(3)
        const body = plausibleBody(op)
        expectProblem(await client.call(op.method, path, { body }), 401, 'unauthorized')
        expectProblem(await client.call(op.method, path, { token: mallory.token, body }), 403, 'forbidden')
        // Behind the gateway, the owning service refuses the customer too.
        const owner = OWNER_OF_PREFIX[path.split('/')[1] ?? '']
        if (owner) expectProblem(await send(`${shop.urls[owner]}${path}`, { method: op.method, token: mallory.token, body }), 403, 'forbidden')
      }
      expect(await snapshot()).toEqual(before)
      expect(before.malloryRoles).toEqual(['customer'])
    })
  })

  describe('API6:2023 unrestricted access to sensitive business flows', () => {
    it('the per-user purchase cap stops one account from buying up a scarce product, even in a concurrent burst', async () => {
      const scarce = await createProduct(client, admin, 250_000, 10)
      const scalper = await client.register()
      const burst = await Promise.all(Array.from({ length: 5 }, () => placeOrder(client, scalper.token, scarce, 1)))
      const codes = burst.map((r) => r.status).sort()
      expect(codes).toEqual([201, 201, 409, 409, 409])
      for (const refused of burst.filter((r) => r.status === 409)) expectProblem(refused, 409, 'purchase_limit_exceeded')
      // The refused orders' reservations are released: only the two placed hold stock.
      expect((await client.get(`/products/${scarce}`)).body.stock.available).toBe(8)
      expectProblem(await placeOrder(client, scalper.token, scarce, 1), 409, 'purchase_limit_exceeded')

      const other = await client.register()
      expectProblem(await placeOrder(client, other.token, scarce, 3), 409, 'purchase_limit_exceeded')
      expect((await placeOrder(client, other.token, scarce, 2)).status).toBe(201)

      const placed = burst.find((r) => r.status === 201)?.body
      expect((await client.call('PUT', `/orders/${placed.id}/cancel`, { token: scalper.token, body: {} })).status).toBe(200)
      expect((await placeOrder(client, scalper.token, scarce, 1)).status).toBe(201)
    })
  })
})
