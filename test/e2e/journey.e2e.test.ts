import { randomUUID } from 'node:crypto'
import { serverAvailable } from '@shop/platform/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, until } from './client.ts'
import { createProduct } from './fixtures.ts'
import { type Shop, startDistributedShop, startEmbeddedShop } from './shop.ts'

// The happy path through the gateway, once with every service in its own process on
// the real servers and once in embedded mode: order → pay → PAID → shipment READY →
// DISPATCHED → SHIPPED → DELIVERED, with stock and money checked on the way.
const distributedReady = (await serverAvailable('rabbitmq')) && (await serverAvailable('redis'))

const modes: [string, () => Promise<Shop>, boolean][] = [
  ['distributed', () => startDistributedShop(), distributedReady],
  ['embedded', () => startEmbeddedShop(), true],
]

for (const [mode, startShop, enabled] of modes) {
  describe.runIf(enabled)(`the order journey (${mode})`, () => {
    let shop: Shop
    let client: ReturnType<typeof api>
    let adminToken: string

    beforeAll(async () => {
      shop = await startShop()
      client = api(shop.gatewayUrl)
      adminToken = await client.login(shop.admin.email, shop.admin.password)
    }, 320_000)
    afterAll(async () => {
      await shop?.stop()
    }, 60_000)

    it('a customer orders, pays, and the parcel is delivered', async () => {
      const slug = `audio-${randomUUID().slice(0, 8)}`
      const category = await client.call('POST', '/categories', { token: adminToken, body: { name: '오디오', slug } })
      expect(category.status, JSON.stringify(category.body)).toBe(201)
      const product = await client.call('POST', '/products', {
        token: adminToken,
        body: {
          sku: `SKU-${randomUUID().slice(0, 8)}`,
          name: '무선이어폰 프로',
          description: '노이즈 캔슬링 블루투스 이어폰',
          price: 20_000,
          categoryId: category.body.id,
          stock: 10,
        },
      })
      expect(product.status, JSON.stringify(product.body)).toBe(201)
      const productId = product.body.id as string

      const found = await until('search to find the product', async () => {
        const r = await client.get(`/products?q=${encodeURIComponent('이어폰')}`)
        return r.body.items?.some((p: { id: string }) => p.id === productId) && r
      })
      expect(found.status).toBe(200)

      const buyer = await client.register()
      const key = randomUUID()
      const orderBody = {
        items: [{ productId, quantity: 2 }],
        shippingAddress: { recipient: '홍길동', phone: '010-1234-5678', postalCode: '06236', address1: '서울특별시 강남구 테헤란로 1', address2: '101호' },
      }
      const order = await client.call('POST', '/orders', { token: buyer.token, idempotencyKey: key, body: orderBody })
      expect(order.status, JSON.stringify(order.body)).toBe(201)
      expect(order.body).toMatchObject({ status: 'PENDING_PAYMENT', subtotal: 40_000, shippingFee: 3_000, total: 43_000, currency: 'KRW' })
      expect(order.body.items[0]).toMatchObject({ productId, unitPrice: 20_000, quantity: 2, lineTotal: 40_000 })
      const orderId = order.body.id as string

      const replay = await client.call('POST', '/orders', { token: buyer.token, idempotencyKey: key, body: orderBody })
      expect(replay.status).toBe(201)
      expect(replay.headers.get('idempotent-replayed')).toBe('true')
      expect(replay.body.id).toBe(orderId)

      const afterReserve = await client.get(`/products/${productId}`)
      expect(afterReserve.body.stock.available).toBe(8)

      const payment = await client.call('POST', '/payments', {
        token: buyer.token,
        idempotencyKey: randomUUID(),
        body: { orderId, amount: 43_000, method: 'card', paymentToken: 'tok_success' },
      })
      expect(payment.status, JSON.stringify(payment.body)).toBe(201)
      expect(payment.body).toMatchObject({ orderId, status: 'COMPLETED', amount: 43_000 })

      await until('order PAID', async () => (await client.get(`/orders/${orderId}`, buyer.token)).body.status === 'PAID')
      const shipment = await until('shipment READY', async () => {
        const r = await client.get(`/shipments/${orderId}`, buyer.token)
        return r.status === 200 && r.body.status === 'READY' && r.body
      })

      const dispatched = await client.call('PUT', `/shipments/${shipment.id}/status`, {
        token: adminToken,
        body: { status: 'DISPATCHED', carrier: 'CJ' },
      })
      expect(dispatched.status, JSON.stringify(dispatched.body)).toBe(200)
      const trackingNumber = dispatched.body.trackingNumber as string
      expect(trackingNumber).toBeTruthy()
      await until('order SHIPPED', async () => (await client.get(`/orders/${orderId}`, buyer.token)).body.status === 'SHIPPED')

      const delivered = await client.call('PUT', `/shipments/${shipment.id}/status`, { token: adminToken, body: { status: 'DELIVERED' } })
      expect(delivered.status).toBe(200)
      const final = await until('order DELIVERED', async () => {
        const r = await client.get(`/orders/${orderId}`, buyer.token)
        return r.body.status === 'DELIVERED' && r.body
      })
      expect(final.history.map((h: { status: string }) => h.status)).toEqual(['PENDING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED'])

      const tracking = await client.get(`/shipments/tracking/${trackingNumber}`)
      expect(tracking.status).toBe(200)
      expect(JSON.stringify(tracking.body)).not.toMatch(/홍길동|1234-5678/)

      // Sold stock left on-hand; nothing stays reserved.
      const stock = await client.call('PUT', `/products/${productId}/stock`, { token: adminToken, body: { onHand: 8 } })
      expect(stock.body).toMatchObject({ onHand: 8, reserved: 0, available: 8 })

      // Another customer cannot see this order.
      const stranger = await client.register()
      expect((await client.get(`/orders/${orderId}`, stranger.token)).status).toBe(404)
    }, 120_000)

    it("a public product read is answered from the gateway's copy, and an update, a stock change and a delete show at once", async () => {
      const productId = await createProduct(client, adminToken, 12_000, 5)
      const first = await client.get(`/products/${productId}`)
      expect(first.status).toBe(200)
      expect(first.headers.get('x-cache')).toBe('MISS')
      const second = await client.get(`/products/${productId}`)
      expect(second.headers.get('x-cache')).toBe('HIT')
      expect(second.body).toEqual(first.body)
      // The service's instructions to the gateway never reach a client.
      expect(second.headers.get('edge-cache-ttl-ms')).toBeNull()
      expect(second.headers.get('edge-cache-validators')).toBeNull()
      expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'))

      const updated = await client.call('PUT', `/products/${productId}`, { token: adminToken, body: { name: '바뀐 이름', price: 13_000 } })
      expect(updated.status).toBe(200)
      const afterUpdate = await client.get(`/products/${productId}`)
      expect(afterUpdate.headers.get('x-cache')).toBe('MISS')
      expect(afterUpdate.body).toMatchObject({ name: '바뀐 이름', price: 13_000, version: 2 })

      expect((await client.get(`/products/${productId}`)).headers.get('x-cache')).toBe('HIT')
      expect((await client.call('PUT', `/products/${productId}/stock`, { token: adminToken, body: { onHand: 2 } })).status).toBe(200)
      expect((await client.get(`/products/${productId}`)).body.stock.available).toBe(2)

      expect((await client.call('DELETE', `/products/${productId}`, { token: adminToken })).status).toBe(204)
      expect((await client.get(`/products/${productId}`)).status).toBe(404)
      // A signed-in read is never answered from, or kept in, the shared copy.
      const buyer = await client.register()
      const other = await createProduct(client, adminToken, 1_000, 1)
      await client.get(`/products/${other}`)
      expect((await client.get(`/products/${other}`, buyer.token)).headers.get('x-cache')).toBeNull()
    }, 60_000)

    it("listing and category pages are answered from the gateway's copy until the catalogue changes", async () => {
      const first = await createProduct(client, adminToken, 5_000, 3)
      const categoryId = (await client.get(`/products/${first}`)).body.categoryId as string
      const page = `/products?category=${categoryId}&sort=newest`
      expect((await client.get(page)).headers.get('x-cache')).toBe('MISS')
      const hit = await client.get(page)
      expect(hit.headers.get('x-cache')).toBe('HIT')
      expect(hit.body.items.map((i: { id: string }) => i.id)).toEqual([first])
      expect((await client.get('/categories')).headers.get('x-cache')).not.toBeNull()
      expect((await client.get('/categories')).headers.get('x-cache')).toBe('HIT')
      // A product added to the category shows on the very next read, as does a new category.
      const second = await client.call('POST', '/products', {
        token: adminToken,
        body: { sku: `SKU-${randomUUID().slice(0, 12)}`, name: '두 번째 상품', description: 'e2e', price: 6_000, categoryId, stock: 1 },
      })
      expect(second.status).toBe(201)
      const after = await client.get(page)
      expect(after.headers.get('x-cache')).toBe('MISS')
      expect(after.body.items.map((i: { id: string }) => i.id)).toEqual([second.body.id, first])
      const slug = `c-${randomUUID().slice(0, 12)}`
      expect((await client.call('POST', '/categories', { token: adminToken, body: { name: '새 분류', slug } })).status).toBe(201)
      const categories = await client.get('/categories')
      expect(categories.headers.get('x-cache')).toBe('MISS')
      expect(categories.body.items.map((c: { slug: string }) => c.slug)).toContain(slug)
    }, 60_000)
  })
}
