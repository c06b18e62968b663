import { randomUUID } from 'node:crypto'
import type { EventEnvelope } from '@shop/contracts'
import { createMemoryBus } from '@shop/platform/bus-memory'
import { createMemoryCache } from '@shop/platform/cache-memory'
import { createLifecycle } from '@shop/platform/lifecycle'
import { createLogger } from '@shop/platform/logger'
import { loadSharedConfig, type Runtime, serviceUrls } from '@shop/platform/runtime'
import { createTestDatabase, eventually, type TestDatabase } from '@shop/platform/testing'
import { createTestIssuer, type JwksServer, serveJwks } from '@shop/platform/testing-auth'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { start } from '../src/main.ts'
import { startOrderServiceStandIn } from './helpers.ts'

/** The composition root as main runs it: migrations, consumers, outbox relay, reconciler, HTTP. */

let db: TestDatabase
let jwks: JwksServer

beforeAll(async () => {
  // start() applies the migrations itself.
  db = await createTestDatabase({ prefix: 'pay_boot', withPlatform: false })
})

afterAll(async () => {
  await jwks?.close()
  await db?.drop()
})

function runtime(env: Record<string, string>, issuer: { issuer: string; audience: string }, jwksUrl: string): Runtime {
  const logger = createLogger({ service: 'payment', level: 'silent' })
  const shared = loadSharedConfig({ ...env, JWT_ISSUER: issuer.issuer, JWT_AUDIENCE: issuer.audience })
  const bus = createMemoryBus()
  const cache = createMemoryCache()
  const lifecycle = createLifecycle(logger)
  // Registered first, so they close last, after the service stopped using them.
  lifecycle.add('memory bus', () => bus.close())
  lifecycle.add('memory cache', () => cache.close())
  return {
    name: 'payment',
    env,
    shared,
    host: '127.0.0.1',
    port: 0,
    databaseUrl: db.url,
    bus,
    cache,
    logger,
    lifecycle,
    urls: serviceUrls(shared),
    jwksUrl,
    adapterChecks: { rabbitmq: () => bus.ping(), redis: () => cache.ping() },
    mode: 'embedded',
  }
}

describe('start(rt)', () => {
  it('boots the service: POST /payments makes the payment from the order service and charges it, payment.completed reaches the bus', async () => {
    const issuer = await createTestIssuer()
    jwks = await serveJwks(issuer.jwks)
    const orders = await startOrderServiceStandIn(issuer)
    const rt = runtime({ PG_SIMULATOR_LATENCY_MS: '0', ORDER_URL: orders.url }, issuer, jwks.url)
    const published: EventEnvelope[] = []
    await rt.bus.subscribe({ service: 'order', types: ['payment.completed'], handler: async (e) => void published.push(e) })
    const { app } = await start(rt)
    try {
      const address = app.server.address()
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
      expect((await fetch(`${base}/health/ready`)).status).toBe(200)

      const orderId = randomUUID()
      const userId = randomUUID()
      orders.orders.set(orderId, { id: orderId, userId, status: 'PENDING_PAYMENT', total: 4_500, expiresAt: new Date(Date.now() + 600_000).toISOString() })

      const res = await fetch(`${base}/payments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await issuer.tokenFor(userId)}`, 'idempotency-key': randomUUID(), 'content-type': 'application/json' },
        body: JSON.stringify({ orderId, amount: 4_500, method: 'card', paymentToken: 'tok_success' }),
      })
      expect(res.status).toBe(201)
      expect(((await res.json()) as { status: string }).status).toBe('COMPLETED')
      await eventually(() => published.some((e) => e.type === 'payment.completed' && (e.data as { orderId: string }).orderId === orderId))
    } finally {
      await rt.lifecycle.shutdown('test over')
      await orders.close()
    }
  })

  it('refuses to start with PAYMENT_PROVIDER=toss and no TOSS_SECRET_KEY, naming the variable', () => {
    const rt = runtime({ PAYMENT_PROVIDER: 'toss' }, { issuer: 'x', audience: 'y' }, 'http://127.0.0.1:9/unused')
    expect(() => start(rt)).toThrow(/TOSS_SECRET_KEY/)
  })
})
