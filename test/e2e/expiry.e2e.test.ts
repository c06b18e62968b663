import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, until } from './client.ts'
import { createProduct, pay, placeOrder } from './fixtures.ts'
import { type Shop, startEmbeddedShop } from './shop.ts'

// Embedded mode with a 5-second payment window: an unpaid order is cancelled by the
// sweeper with reason payment_timeout, its stock comes back, and it can no longer be paid.
// (Short, but long enough that the order is still open when the test first looks at its
// stock, even on a machine loaded enough to stall a second or two.)
describe('unpaid orders expire (embedded)', () => {
  let shop: Shop
  let client: ReturnType<typeof api>

  beforeAll(async () => {
    shop = await startEmbeddedShop({ ORDER_PAYMENT_WINDOW_SECONDS: '5', ORDER_SWEEP_INTERVAL_MS: '200' })
    client = api(shop.gatewayUrl)
  }, 320_000)
  afterAll(async () => {
    await shop?.stop()
  }, 60_000)

  it('cancels the order with payment_timeout, releases the stock, and refuses payment', async () => {
    const admin = await client.login(shop.admin.email, shop.admin.password)
    const productId = await createProduct(client, admin, 7_000, 3)
    const buyer = await client.register()
    const order = (await placeOrder(client, buyer.token, productId, 2)).body
    expect((await client.get(`/products/${productId}`)).body.stock.available).toBe(1)
    const cancelled = await until('order expired', async () => {
      const r = await client.get(`/orders/${order.id}`, buyer.token)
      return r.body.status === 'CANCELLED' && r.body
    })
    expect(cancelled.history.at(-1)).toMatchObject({ status: 'CANCELLED', reason: 'payment_timeout' })
    await until('stock released', async () => (await client.get(`/products/${productId}`)).body.stock.available === 3)
    const late = await pay(client, buyer.token, order.id, order.total)
    expect(late.status).toBe(409)
  })
})
