import { randomUUID } from 'node:crypto'
import { serverAvailable } from '@shop/platform/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, until } from '../e2e/client.ts'
import { ADDRESS, createProduct, orderStatus, pay, placeOrder } from '../e2e/fixtures.ts'
import { type Shop, startDistributedShop } from '../e2e/shop.ts'
import { type Client, concrete, documentedOperations, expectCleanError, expectProblem, leaksIn, send, settle } from './kit.ts'
import { type LyingToss, startLyingToss } from './lying-toss.ts'
import { type Canary, noRoute, OPERATIONS_ROUTES, ssrfUrls, startCanary, UNDOCUMENTED_CANDIDATES, WALK_METHODS, webPage } from './probes.ts'

// OWASP API Security Top 10 (2023), the surface half, through the gateway of a
// distributed shop whose limits are ON (API4) and whose payment gateway is a Toss
// look-alike that lies (API10): API4, API7 SSRF, API8 misconfiguration, API9 inventory,
// API10 unsafe consumption. Every caller has its own client address (X-Forwarded-For,
// trusted from 127.0.0.1) so the per-address limits of one test never touch another.
const ready = (await serverAvailable('rabbitmq')) && (await serverAvailable('redis'))

let lastOctet = 10
const newAddress = () => ({ 'x-forwarded-for': `198.51.100.${lastOctet++}` })

describe.runIf(ready)('OWASP API Top 10: surface (distributed shop, limits on)', () => {
  let shop: Shop
  let client: Client
  let toss: LyingToss
  let canary: Canary
  let admin: string
  let buyer: { token: string; email: string; password: string }
  let productId: string

  async function register(headers = newAddress()) {
    const email = `s-${randomUUID().slice(0, 8)}@shop.test`
    const password = `Pw-${randomUUID()}`
    const res = await client.call('POST', '/auth/register', { headers, body: { email, password, name: '테스터' } })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return { token: res.body.accessToken as string, email, password }
  }
  const login = (email: string, password: string, headers = newAddress()) =>
    client.call('POST', '/auth/login', { headers, body: { email, password } })

  beforeAll(async () => {
    ;[toss, canary] = await Promise.all([startLyingToss(), startCanary()])
    shop = await startDistributedShop({
      RATE_LIMIT_PER_MINUTE: '6000',
      USER_RATE_LIMIT_PER_MINUTE: '6000',
      AUTH_RATE_LIMIT_PER_MINUTE: '20',
      LOGIN_MAX_FAILURES: '5',
      CORS_ORIGINS: 'https://shop.example',
      PAYMENT_PROVIDER: 'toss',
      TOSS_API_BASE: toss.url,
      TOSS_SECRET_KEY: toss.secretKey,
    })
    client = api(shop.gatewayUrl)
    const session = await login(shop.admin.email, shop.admin.password)
    admin = session.body.accessToken
    buyer = await register()
    productId = await createProduct(client, admin, 7_777, 100)
  }, 240_000)
  afterAll(async () => {
    await shop?.stop()
    await Promise.all([toss?.close(), canary?.close()])
  }, 60_000)

  describe('API4:2023 unrestricted resource consumption', () => {
    it('a list limit over 100 (or otherwise out of range) is 400', async () => {
      for (const limit of ['101', '1000000', '0', '-1', '1.5', 'abc']) {
        expectProblem(await client.get(`/products?limit=${limit}`), 400, 'validation_failed')
        expectProblem(await client.get(`/orders?limit=${limit}`, buyer.token), 400, 'validation_failed')
      }
      expect((await client.get('/products?limit=100')).status).toBe(200)
    })

    it('a body over 1 MiB is 413 on every documented write route, at the gateway and at each service', async () => {
      const huge = JSON.stringify({ filler: 'x'.repeat(1024 * 1024) })
      const writes = (await documentedOperations(client)).filter((o) => o.method !== 'GET' && o.method !== 'DELETE')
      expect(writes.length).toBeGreaterThan(10)
      for (const op of writes) {
        // With a token, so that the size (and not the missing token) is what refuses it.
        const res = await send(`${shop.gatewayUrl}${concrete(op.path)}`, { method: op.method, token: admin, rawBody: huge, headers: newAddress() })
        expectProblem(res, 413, 'payload_too_large')
      }
      for (const [service, path] of [['auth', '/auth/login'], ['product', '/products'], ['order', '/orders'], ['payment', '/payments'], ['shipping', '/shipping/quote']] as const) {
        expectProblem(await send(`${shop.urls[service]}${path}`, { method: 'POST', token: admin, rawBody: huge }), 413, 'payload_too_large')
      }
    })

    it('very long strings, long arrays and deep nesting are 400, not stored and not a crash', async () => {
      const line = { productId, quantity: 1 }
      const cases: [string, string, unknown, string?][] = [
        ['POST', '/orders', { items: Array.from({ length: 51 }, () => ({ productId: randomUUID(), quantity: 1 })), shippingAddress: ADDRESS }, buyer.token],
        ['POST', '/orders', { items: [line], shippingAddress: { ...ADDRESS, address1: '가'.repeat(5000) } }, buyer.token],
        ['PUT', '/orders/' + randomUUID() + '/cancel', { reason: 'r'.repeat(201) }, buyer.token],
        ['PUT', '/auth/profile', { addresses: Array.from({ length: 21 }, () => ({ label: 'x', recipient: 'x', phone: '010-1234-5678', postalCode: '12345', address1: 'x' })) }, buyer.token],
        ['PUT', '/auth/profile', { name: 'n'.repeat(101) }, buyer.token],
        ['POST', '/products', { sku: 'LONG-1', name: 'n'.repeat(201), description: 'd', price: 1, categoryId: randomUUID() }, admin],
        ['PUT', `/products/${productId}`, { description: 'd'.repeat(5001) }, admin],
        ['PUT', `/products/${productId}`, { attributes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }, admin],
        ['PUT', `/products/${productId}`, { attributes: { blob: 'b'.repeat(9000) } }, admin],
        ['PUT', `/products/${productId}`, { images: Array.from({ length: 21 }, (_, i) => `https://cdn.example.com/${i}.png`) }, admin],
        ['POST', '/shipping/quote', { subtotal: 1, postalCode: '1'.repeat(1000) }],
      ]
      const before = (await client.get(`/products/${productId}`)).body
      for (const [method, path, body, token] of cases) {
        const res = await client.call(method, path, { token, body, idempotencyKey: method === 'POST' ? randomUUID() : undefined })
        expectProblem(res, 400, 'validation_failed')
      }
      // Sent as text: 20,000 levels of nesting would overflow this side's JSON.stringify too.
      const deep = `{"attributes":{"deep":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`
      expectProblem(await send(`${shop.gatewayUrl}/v1/products/${productId}`, { method: 'PUT', token: admin, rawBody: deep }), 400, 'validation_failed')
      expectProblem(await send(`${shop.gatewayUrl}/v1/products/${productId}`, { method: 'PUT', token: admin, body: { name: 'a\u0000b' } }), 400, 'validation_failed')
      const searched = await client.get(`/products?q=${'검'.repeat(201)}`)
      expectProblem(searched, 400, 'validation_failed')
      expect((await client.get(`/products/${productId}`)).body).toEqual(before)
    })

    it('credential routes are rate limited per client address: the 21st call in a minute is 429 with Retry-After; other addresses go on', async () => {
      const attacker = newAddress()
      const statuses: number[] = []
      for (let i = 0; i < 21; i++) statuses.push((await login(`nobody-${i}@shop.test`, 'wrong-password-1', attacker)).status)
      expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true)
      const limited = await login('nobody@shop.test', 'wrong-password-1', attacker)
      expectProblem(limited, 429, 'rate_limited')
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
      expectProblem(await client.call('POST', '/auth/register', { headers: attacker, body: { email: 'x@shop.test', password: 'x', name: 'x' } }), 429)
      expect((await login(buyer.email, buyer.password)).status).toBe(200)
    })

    it('repeated failed logins lock the account whatever the address, without locking anyone else out', async () => {
      const victim = await register()
      for (let i = 0; i < 5; i++) expectProblem(await login(victim.email, `wrong-${i}-password`), 401, 'unauthorized')
      expectProblem(await login(victim.email, 'wrong-again-password'), 429, 'rate_limited')
      expectProblem(await login(victim.email, victim.password), 429, 'rate_limited')
      expect((await login(buyer.email, buyer.password)).status).toBe(200)
    })
  })

  describe('API7:2023 server side request forgery', () => {
    it('image URLs aimed at loopback, private, link-local or metadata addresses are 400 on create and update, and nothing is fetched', async () => {
      const category = (await client.call('POST', '/categories', { token: admin, body: { name: 'ssrf', slug: `ssrf-${randomUUID().slice(0, 8)}` } })).body
      const base = { name: '이미지', description: 'd', price: 1000, categoryId: category.id }
      const before = (await client.get(`/products/${productId}`)).body
      for (const url of ssrfUrls(canary.port)) {
        const created = await client.call('POST', '/products', { token: admin, body: { ...base, sku: `SSRF-${randomUUID().slice(0, 8)}`, images: ['https://cdn.example.com/ok.png', url] } })
        expectProblem(created, 400, 'validation_failed')
        expect(created.body.errors, url).toEqual([expect.objectContaining({ path: '/images/1' })])
        expectProblem(await client.call('PUT', `/products/${productId}`, { token: admin, body: { images: [url] } }), 400, 'validation_failed')
      }
      const fine = await client.call('POST', '/products', { token: admin, body: { ...base, sku: `SSRF-OK-${randomUUID().slice(0, 6)}`, images: ['https://cdn.example.com/a.jpg'] } })
      expect(fine.status, JSON.stringify(fine.body)).toBe(201)
      expect((await client.get(`/products/${productId}`)).body.images).toEqual(before.images)
      await settle(500)
      expect(canary.hits).toEqual([])
    })
  })

  describe('API8:2023 security misconfiguration', () => {
    it('no error carries a stack trace, SQL, a file path or an internal address, across a sweep of bad requests', async () => {
      const uuid = randomUUID()
      const sweep: [string, string, { token?: string; body?: unknown; raw?: string; type?: string; auth?: string }][] = [
        ['POST', '/auth/login', { raw: '{"email":', type: 'application/json' }],
        ['POST', '/orders', { raw: '{bad json', type: 'application/json', token: buyer.token }],
        ['POST', '/products', { raw: '<xml/>', type: 'application/xml', token: admin }],
        ['POST', '/payments', { raw: 'a=b', type: 'application/x-www-form-urlencoded', token: buyer.token }],
        ['POST', '/shipping/quote', { raw: '', type: 'application/json' }],
        ['POST', '/auth/register', { raw: '{"__proto__":{"roles":["admin"]}}', type: 'application/json' }],
        ['GET', '/orders/not-a-uuid', { token: buyer.token }],
        ['GET', '/payments/1%20OR%201=1', { token: buyer.token }],
        ['GET', `/products/${uuid}'--`, {}],
        ['GET', '/products?cursor=%27%3BDROP%20TABLE%20products%3B--', {}],
        ['GET', '/products?category=%00', {}],
        ['GET', '/products/%E0%A4%A', {}],
        ['GET', '/orders', { auth: 'Basic YWRtaW46YWRtaW4=' }],
        ['GET', '/orders', { auth: 'Bearer a b c' }],
        ['POST', '/orders', { token: buyer.token, body: { items: [{ productId: uuid, quantity: 1 }], shippingAddress: ADDRESS } }],
        ['POST', '/categories', { token: admin, body: { name: 'x', slug: 'dup-slug-abuse', parentId: uuid } }],
        ['POST', '/products', { token: admin, body: { sku: 'FK-1', name: 'n', description: 'd', price: 1, categoryId: uuid } }],
        ['PUT', `/products/${productId}/stock`, { token: admin, body: { onHand: -1 } }],
        ['PUT', `/shipments/${uuid}/status`, { token: admin, body: { status: 'DELIVERED' } }],
        ['POST', `/payments/${uuid}/refund`, { token: admin, body: { reason: 'x', amount: 1e20 } }],
        ['PUT', `/auth/users/${uuid}/roles`, { token: admin, body: { roles: ['root'] } }],
        ['PATCH', `/products/${productId}`, { token: admin, body: {} }],
        ['GET', '/internal/reservations', { token: admin }],
        ['GET', '/nowhere', {}],
      ]
      for (const [method, path, o] of sweep) {
        const headers: Record<string, string> = { ...newAddress() }
        if (o.auth) headers.authorization = o.auth
        if (o.type) headers['content-type'] = o.type
        const res = await send(`${shop.gatewayUrl}/v1${path}`, { method, token: o.token, body: o.body, rawBody: o.raw, headers })
        expectCleanError(res, shop, `${method} ${path}`)
      }
      // A duplicate key is a clean 409, not the database's words.
      const slug = `dup-${randomUUID().slice(0, 8)}`
      await client.call('POST', '/categories', { token: admin, body: { name: 'a', slug } })
      const duplicate = await client.call('POST', '/categories', { token: admin, body: { name: 'a', slug } })
      expectCleanError(duplicate, shop, 'duplicate slug')
      expect(duplicate.status).toBe(409)
    })

    it('a service that is down is a clean 503 upstream_unavailable, naming no host or port', async () => {
      await shop.kill('shipping')
      try {
        const res = await send(`${shop.gatewayUrl}/v1/shipping/quote`, { method: 'POST', body: { subtotal: 1000, postalCode: '06236' }, headers: newAddress() })
        expectCleanError(res, shop, 'shipping down')
        expectProblem(res, 503, 'upstream_unavailable')
        // One attempt: the fixture's retries of a 503 would only wait for the same answer.
        const order = await client.call('POST', '/orders', {
          token: buyer.token,
          idempotencyKey: randomUUID(),
          body: { items: [{ productId, quantity: 1 }], shippingAddress: ADDRESS },
        })
        expectCleanError(order, shop, 'order while shipping is down')
        // The public operations endpoints say what is down, not where it lives.
        for (const ops of ['/health/ready', '/metrics']) expect(leaksIn(await send(`${shop.gatewayUrl}${ops}`), shop), ops).toEqual([])
      } finally {
        await shop.start('shipping')
      }
      // Restarting a service process on a machine loaded by the parallel suite takes its time.
    }, 120_000)

    it('every answer says nosniff; CORS trusts only the configured origin, never a wildcard with credentials', async () => {
      for (const res of [await client.get('/products?limit=1'), await client.get('/orders'), await client.get('/nowhere'), await send(`${shop.urls.order}/orders`)]) {
        expect(res.headers.get('x-content-type-options')).toBe('nosniff')
        expect(res.headers.get('x-powered-by')).toBeNull()
      }
      const evil = await send(`${shop.gatewayUrl}/v1/products?limit=1`, { headers: { origin: 'https://evil.example' } })
      expect(evil.headers.get('access-control-allow-origin')).toBeNull()
      const preflight = await send(`${shop.gatewayUrl}/v1/orders`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      })
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
      const shopOrigin = await send(`${shop.gatewayUrl}/v1/products?limit=1`, { headers: { origin: 'https://shop.example' } })
      expect(shopOrigin.headers.get('access-control-allow-origin')).toBe('https://shop.example')
      for (const res of [evil, preflight, shopOrigin]) {
        const wildcard = res.headers.get('access-control-allow-origin') === '*'
        expect(wildcard && res.headers.get('access-control-allow-credentials') === 'true').toBe(false)
      }
    })
  })

  describe('API9:2023 improper inventory management', () => {
    it('every operation of the merged OpenAPI document names its error answers (a typed client knows them all)', async () => {
      const ops = await documentedOperations(client)
      expect(ops.length).toBeGreaterThan(20)
      const silent = ops.filter((o) => !o.responses.some((s) => /^[45]\d\d$/.test(s))).map((o) => `${o.method} ${o.path}`)
      expect(silent).toEqual([])
    })

    it('only documented routes answer: a walk of likely paths and methods finds nothing outside the OpenAPI document', async () => {
      const ops = await documentedOperations(client)
      const headers = newAddress()
      const session = await login(shop.admin.email, shop.admin.password, headers)
      const token = session.body.accessToken as string
      const fromDocument = new Set(ops.map((o) => o.path))
      const undocumented: string[] = []
      const silent: string[] = []
      for (const template of new Set([...fromDocument, ...UNDOCUMENTED_CANDIDATES])) {
        const path = concrete(template)
        for (const method of WALK_METHODS) {
          if (method === 'POST' && path === '/v1/auth/logout') continue
          const res = await send(`${shop.gatewayUrl}${path}`, { method, token, headers, body: method === 'GET' || method === 'DELETE' ? undefined : {} })
          const documented = ops.some((o) => o.match(method, path))
          if (!noRoute(res) && !documented && !webPage(method, path, res) && !OPERATIONS_ROUTES.some((re) => re.test(path))) undocumented.push(`${method} ${path} → ${res.status}`)
          // A documented operation must answer (a 404 for the random id, not "no route").
          if (fromDocument.has(template) && ops.some((o) => o.method === method && o.path === template) && noRoute(res)) silent.push(`${method} ${path}`)
        }
      }
      expect(undocumented, undocumented.join('\n')).toEqual([])
      expect(silent, silent.join('\n')).toEqual([])
    })
  })

  describe('API10:2023 unsafe consumption of APIs', () => {
    it('the amount paid must be the order total (amount_mismatch), and prices come from the catalogue, not the client', async () => {
      const order = await placeOrder(client, buyer.token, productId, 3)
      expect(order.body.items[0]).toMatchObject({ unitPrice: 7_777, quantity: 3, lineTotal: 23_331 })
      expect(order.body.total).toBe(23_331 + order.body.shippingFee)
      for (const amount of [order.body.total - 1, order.body.total + 1, 0, 1]) {
        expectProblem(await pay(client, buyer.token, order.body.id, amount, 'pk_ok'), 422, 'amount_mismatch')
      }
      expect((await client.get(`/orders/${order.body.id}`, buyer.token)).body.status).toBe('PENDING_PAYMENT')
    })

    it('a PG approval of another amount or another order is not recorded as paid; an honest one is', async () => {
      const order = (await placeOrder(client, buyer.token, productId, 1)).body
      for (const key of ['pk_evil_amount_1', 'pk_evil_order_1']) {
        const res = await pay(client, buyer.token, order.id, order.total, key)
        expect(res.status, JSON.stringify(res.body)).toBe(201)
        expect(res.body).toMatchObject({ status: 'FAILED', failureCode: 'pg_declined' })
      }
      await until('the failed payment reaches the order', async () => (await client.get(`/orders/${order.id}`, buyer.token)).body.payment?.status === 'FAILED')
      expect((await client.get(`/orders/${order.id}`, buyer.token)).body.status).toBe('PENDING_PAYMENT')
      const honest = await pay(client, buyer.token, order.id, order.total, 'pk_ok_1')
      expect(honest.body.status).toBe('COMPLETED')
      await orderStatus(client, buyer.token, order.id, 'PAID')
      expect(toss.confirms).toEqual(expect.arrayContaining(['pk_evil_amount_1', 'pk_evil_order_1', 'pk_ok_1']))
    })

    it('a PG answering HTML is an upstream failure, with nothing of its answer in ours', async () => {
      const order = (await placeOrder(client, buyer.token, productId, 1)).body
      const res = await pay(client, buyer.token, order.id, order.total, 'pk_evil_html_1')
      expectCleanError(res, shop, 'PG answered HTML')
      expect(JSON.stringify(res.body)).not.toMatch(/html|10\.0\.3\.7|\/srv\//)
      expect(leaksIn(res, shop)).toEqual([])
      expect((await client.get(`/orders/${order.id}`, buyer.token)).body.status).toBe('PENDING_PAYMENT')
    })
  })
})
