import { randomUUID } from 'node:crypto'
import { expect } from 'vitest'
import { type api, until } from './client.ts'

type Client = ReturnType<typeof api>

export const ADDRESS = {
  recipient: '김철수',
  phone: '010-9876-5432',
  postalCode: '06236',
  address1: '서울특별시 강남구 테헤란로 2',
  address2: '5층',
}

/** An admin-created product with `stock` units at `price` KRW, in a fresh category. */
export async function createProduct(client: Client, adminToken: string, price: number, stock: number): Promise<string> {
  const category = await client.call('POST', '/categories', {
    token: adminToken,
    body: { name: '테스트', slug: `c-${randomUUID().slice(0, 12)}` },
  })
  expect(category.status, JSON.stringify(category.body)).toBe(201)
  const product = await client.call('POST', '/products', {
    token: adminToken,
    body: { sku: `SKU-${randomUUID().slice(0, 12)}`, name: '테스트 상품', description: 'e2e', price, categoryId: category.body.id, stock },
  })
  expect(product.status, JSON.stringify(product.body)).toBe(201)
  return product.body.id as string
}

export async function placeOrder(client: Client, token: string, productId: string, quantity: number) {
  return client.call('POST', '/orders', {
    token,
    idempotencyKey: randomUUID(),
    body: { items: [{ productId, quantity }], shippingAddress: ADDRESS },
  })
}

export async function pay(client: Client, token: string, orderId: string, amount: number, paymentToken = 'tok_success') {
  return client.call('POST', '/payments', {
    token,
    idempotencyKey: randomUUID(),
    body: { orderId, amount, method: 'card', paymentToken },
  })
}

export async function orderStatus(client: Client, token: string, orderId: string, status: string, timeoutMs = 20_000) {
  return until(`order ${orderId} ${status}`, async () => {
    const r = await client.get(`/orders/${orderId}`, token)
    return r.body.status === status && r.body
  }, timeoutMs)
}
