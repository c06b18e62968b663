import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Value } from '@sinclair/typebox/value'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { IdempotencyKeyHeader, requestFingerprint } from '../src/idempotency.ts'

describe('requestFingerprint', () => {
  const base = { method: 'POST', path: '/orders' }

  it('does not depend on the order of keys in the body, at any depth', () => {
    const a = requestFingerprint({ ...base, body: { items: [{ productId: 'p1', quantity: 2 }], address: { zip: '06236', city: '서울' } } })
    const b = requestFingerprint({ ...base, body: { address: { city: '서울', zip: '06236' }, items: [{ quantity: 2, productId: 'p1' }] } })
    expect(a).toBe(b)
    expect(a).toMatch(/^[0-9a-f]{64}$/)
  })

  it('changes with any value, with array order, with the path and with the method', () => {
    const f = requestFingerprint({ ...base, body: { items: [1, 2] } })
    expect(requestFingerprint({ ...base, body: { items: [2, 1] } })).not.toBe(f)
    expect(requestFingerprint({ ...base, body: { items: [1, 3] } })).not.toBe(f)
    expect(requestFingerprint({ ...base, path: '/payments', body: { items: [1, 2] } })).not.toBe(f)
    expect(requestFingerprint({ ...base, method: 'PUT', body: { items: [1, 2] } })).not.toBe(f)
    // A number and its string are different requests.
    expect(requestFingerprint({ ...base, body: { n: 1 } })).not.toBe(requestFingerprint({ ...base, body: { n: '1' } }))
  })

  it('treats bodies that serialise to the same JSON as the same request', () => {
    const at = new Date('2025-01-02T03:04:05.000Z')
    expect(requestFingerprint({ ...base, body: { at, note: undefined } })).toBe(
      requestFingerprint({ ...base, body: { at: '2025-01-02T03:04:05.000Z' } }),
    )
    expect(requestFingerprint({ method: 'post', path: '/orders', body: {} })).toBe(requestFingerprint({ ...base, body: {} }))
  })
})

describe('IdempotencyKeyHeader', () => {
  it('accepts 1 to 255 visible ASCII characters and nothing else', () => {
    const ok = (v: unknown) => Value.Check(IdempotencyKeyHeader, { 'idempotency-key': v, accept: '*/*' })
    expect(ok('a')).toBe(true)
    expect(ok('3f2c9a1e-7b7d-4c1a-9d55-1b2b3c4d5e6f')).toBe(true)
    expect(ok('x'.repeat(255))).toBe(true)
    expect(ok('x'.repeat(256))).toBe(false)
    expect(ok('')).toBe(false)
    expect(ok('has space')).toBe(false)
    expect(ok('키')).toBe(false)
    expect(ok('tab\there')).toBe(false)
    expect(Value.Check(IdempotencyKeyHeader, { accept: '*/*' })).toBe(false)
  })

  it('as a route headers schema, a missing or malformed key is a 400 and a good one reaches the handler', async () => {
    const app = Fastify().withTypeProvider<TypeBoxTypeProvider>()
    app.post('/orders', { schema: { headers: IdempotencyKeyHeader } }, async (req) => ({ key: req.headers['idempotency-key'] }))
    try {
      const missing = await app.inject({ method: 'POST', url: '/orders', payload: {} })
      expect(missing.statusCode).toBe(400)
      const tooLong = await app.inject({ method: 'POST', url: '/orders', payload: {}, headers: { 'idempotency-key': 'k'.repeat(256) } })
      expect(tooLong.statusCode).toBe(400)
      const good = await app.inject({ method: 'POST', url: '/orders', payload: {}, headers: { 'idempotency-key': 'order-2025-0001' } })
      expect(good.statusCode).toBe(200)
      expect(good.json()).toEqual({ key: 'order-2025-0001' })
    } finally {
      await app.close()
    }
  })
})
