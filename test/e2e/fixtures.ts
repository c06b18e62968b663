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

/**
 * What the API contract asks of a client: a 503 upstream_unavailable carries Retry-After,
 * and the same request with the same Idempotency-Key is safe to send again. A test on a
 * loaded machine behaves like that client, a few times at most.
 */
async function sendIdempotent(client: Client, path: string, token: string, body: unknown) {
  const key = randomUUID()
  for (let attempt = 1; ; attempt++) {
    const res = await client.call('POST', path, { token, idempotencyKey: key, body })
    if (res.status !== 503 || attempt === 4) return res
    const wait = Math.min(Number(res.headers.get('retry-after') ?? 1), 2)
    await new Promise((r) => setTimeout(r, wait * 1000))
  }
}

export async function placeOrder(client: Client, token: string, productId: string, quantity: number) {
  return sendIdempotent(client, '/orders', token, { items: [{ productId, quantity }], shippingAddress: ADDRESS })
}

export async function pay(client: Client, token: string, orderId: string, amount: number, paymentToken = 'tok_success') {
  return sendIdempotent(client, '/payments', token, { orderId, amount, method: 'card', paymentToken })
}

export async function orderStatus(client: Client, token: string, orderId: string, status: string, timeoutMs = 20_000) {
  return until(`order ${orderId} ${status}`, async () => {
    const r = await client.get(`/orders/${orderId}`, token)
    return r.body.status === status && r.body
  }, timeoutMs)
}
