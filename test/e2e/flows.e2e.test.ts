import { serverAvailable } from '@shop/platform/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, until } from './client.ts'
import { createProduct, orderStatus, pay, placeOrder } from './fixtures.ts'
import { type Shop, startDistributedShop } from './shop.ts'

// Cross-service flows through the gateway, every service in its own process: declined
// then paid, cancel before and after payment (refund, restock, shipment cancelled),
// partial and over-refunds, and 100 buyers racing for 20 units.
const ready = (await serverAvailable('rabbitmq')) && (await serverAvailable('redis'))

describe.runIf(ready)('order flows across services (distributed)', () => {
  let shop: Shop
  let client: ReturnType<typeof api>
  let admin: string

  beforeAll(async () => {
    shop = await startDistributedShop()
    client = api(shop.gatewayUrl)
    admin = await client.login(shop.admin.email, shop.admin.password)
  }, 320_000)
  afterAll(async () => {
    await shop?.stop()
  }, 60_000)

  it('a declined card leaves the order payable, and a good card then pays it once', async () => {
    const productId = await createProduct(client, admin, 10_000, 5)
    const buyer = await client.register()
    const order = (await placeOrder(client, buyer.token, productId, 1)).body
    const declined = await pay(client, buyer.token, order.id, order.total, 'tok_declined')
    expect(declined.status).toBe(201)
    expect(declined.body).toMatchObject({ status: 'FAILED', failureCode: 'card_declined' })
    const failed = await until('payment.failed recorded', async () => {
      const r = await client.get(`/orders/${order.id}`, buyer.token)
      return r.body.payment?.status === 'FAILED' && r.body
    })
    expect(failed.status).toBe('PENDING_PAYMENT')
    const paid = await pay(client, buyer.token, order.id, order.total)
    expect(paid.body.status).toBe('COMPLETED')
    await orderStatus(client, buyer.token, order.id, 'PAID')
    const again = await pay(client, buyer.token, order.id, order.total)
    expect(again.status).toBe(409)
  })

  it('cancelling an unpaid order releases its stock and voids the payment', async () => {
    const productId = await createProduct(client, admin, 10_000, 5)
    const buyer = await client.register()
    const order = (await placeOrder(client, buyer.token, productId, 3)).body
    expect((await client.get(`/products/${productId}`)).body.stock.available).toBe(2)
    const cancelled = await client.call('PUT', `/orders/${order.id}/cancel`, { token: buyer.token, body: { reason: 'changed my mind' } })
    expect(cancelled.status).toBe(200)
    expect(cancelled.body.status).toBe('CANCELLED')
    await until('stock released', async () => (await client.get(`/products/${productId}`)).body.stock.available === 5)
    await until('payment voided', async () => {
      const r = await pay(client, buyer.token, order.id, order.total)
      return r.status === 409 && r.body.code === 'invalid_state'
    })
  })

  it('cancelling a paid order refunds it in full, restocks, and cancels the shipment', async () => {
    const productId = await createProduct(client, admin, 30_000, 4)
    const buyer = await client.register()
    const order = (await placeOrder(client, buyer.token, productId, 2)).body
    const payment = (await pay(client, buyer.token, order.id, order.total)).body
    await orderStatus(client, buyer.token, order.id, 'PAID')
    await until('shipment READY', async () => (await client.get(`/shipments/${order.id}`, buyer.token)).body.status === 'READY')
    expect((await client.get(`/products/${productId}`)).body.stock.available).toBe(2)

    const cancelled = await client.call('PUT', `/orders/${order.id}/cancel`, { token: buyer.token, body: {} })
    expect(cancelled.status).toBe(200)
    await until('refunded', async () => {
      const r = await client.get(`/payments/${payment.id}`, buyer.token)
      return r.body.status === 'REFUNDED' && r.body.refundedAmount === order.total
    })
    await until('restocked', async () => (await client.get(`/products/${productId}`)).body.stock.available === 4)
    await until('shipment cancelled', async () => (await client.get(`/shipments/${order.id}`, buyer.token)).body.status === 'CANCELLED')
    await until('order knows the refund', async () => (await client.get(`/orders/${order.id}`, buyer.token)).body.payment?.status === 'REFUNDED')
  })

  it('after dispatch the order cannot be cancelled', async () => {
    const productId = await createProduct(client, admin, 10_000, 2)
    const buyer = await client.register()
    const order = (await placeOrder(client, buyer.token, productId, 1)).body
    await pay(client, buyer.token, order.id, order.total)
    const shipment = await until('shipment READY', async () => {
      const r = await client.get(`/shipments/${order.id}`, buyer.token)
      return r.body.status === 'READY' && r.body
    })
    expect((await client.call('PUT', `/shipments/${shipment.id}/status`, { token: admin, body: { status: 'DISPATCHED', carrier: 'HANJIN' } })).status).toBe(200)
    await orderStatus(client, buyer.token, order.id, 'SHIPPED')
    const refused = await client.call('PUT', `/orders/${order.id}/cancel`, { token: buyer.token, body: {} })
    expect(refused.status).toBe(409)
    expect(refused.body.code).toBe('invalid_state')
  })

  it('an admin refunds part, then the rest; more than remains is 409; a customer cannot refund', async () => {
    const productId = await createProduct(client, admin, 25_000, 2)
    const buyer = await client.register()
    const order = (await placeOrder(client, buyer.token, productId, 2)).body
    const payment = (await pay(client, buyer.token, order.id, order.total)).body
    expect(payment.status).toBe('COMPLETED')
    expect((await client.call('POST', `/payments/${payment.id}/refund`, { token: buyer.token, body: { amount: 1000, reason: 'mine' } })).status).toBe(403)
    const part = await client.call('POST', `/payments/${payment.id}/refund`, { token: admin, body: { amount: 10_000, reason: '부분 환불' } })
    expect(part.status).toBe(200)
    expect(part.body).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedAmount: 10_000 })
    const over = await client.call('POST', `/payments/${payment.id}/refund`, { token: admin, body: { amount: order.total, reason: 'too much' } })
    expect(over.status).toBe(409)
    const rest = await client.call('POST', `/payments/${payment.id}/refund`, { token: admin, body: { reason: '나머지' } })
    expect(rest.status).toBe(200)
    expect(rest.body).toMatchObject({ status: 'REFUNDED', refundedAmount: order.total })
    expect(rest.body.refunds).toHaveLength(2)
    await until('order records the refund', async () => {
      const r = await client.get(`/orders/${order.id}`, buyer.token)
      return r.body.payment?.status === 'REFUNDED'
    })
  })

  it('100 concurrent buyers for 20 units: exactly 20 orders, stock 0, never negative', async () => {
    const productId = await createProduct(client, admin, 5_000, 20)
    // The buyers race on ordering, not on registering: argon2 hashes ten at a time.
    const buyers: Awaited<ReturnType<typeof client.register>>[] = []
    for (let i = 0; i < 100; i += 10) buyers.push(...(await Promise.all(Array.from({ length: 10 }, () => client.register()))))
    const results = await Promise.all(buyers.map((b) => placeOrder(client, b.token, productId, 1)))
    const created = results.filter((r) => r.status === 201)
    const refused = results.filter((r) => r.status === 409)
    expect(created).toHaveLength(20)
    expect(refused).toHaveLength(80)
    for (const r of refused) expect(r.body.code).toBe('insufficient_stock')
    expect((await client.get(`/products/${productId}`)).body.stock.available).toBe(0)
    const stock = await client.call('PUT', `/products/${productId}/stock`, { token: admin, body: { onHand: 20 } })
    expect(stock.body).toMatchObject({ onHand: 20, reserved: 20, available: 0 })
  }, 120_000)
})
