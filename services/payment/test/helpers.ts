import { randomUUID } from 'node:crypto'
import type { EventEnvelope, EventType } from '@shop/contracts'
import type { Payment } from '@shop/contracts/payment'
import { createTokenVerifier } from '@shop/platform/auth'
import type { ServiceDeps } from '@shop/platform/boot'
import { createMemoryBus, type MemoryBus } from '@shop/platform/bus-memory'
import { createMemoryCache } from '@shop/platform/cache-memory'
import { createEvent } from '@shop/platform/events'
import { createLifecycle } from '@shop/platform/lifecycle'
import { createLogger } from '@shop/platform/logger'
import { createMetrics } from '@shop/platform/metrics'
import { createOutboxRelay } from '@shop/platform/outbox'
import type { Subscription } from '@shop/platform/ports'
import { loadSharedConfig, type Runtime, serviceUrls } from '@shop/platform/runtime'
import type { App } from '@shop/platform/server'
import type { LightMyRequestResponse } from 'fastify'
import { createTestDatabase, type TestDatabase } from '@shop/platform/testing'
import { createTestIssuer, type TestIssuer } from '@shop/platform/testing-auth'
import { buildApp } from '../src/app.ts'
import { loadPaymentSettings } from '../src/config.ts'
import { createPayments, type Payments } from '../src/context.ts'
import { subscribePayments } from '../src/events/subscribe.ts'
import { migrations } from '../src/main.ts'

/**
 * One payment service per test file (or per situation): its own database, an in-memory
 * bus and cache, tokens from a test issuer, the PG simulator (or Toss) per `env`.
 */

export interface PaymentHarness {
  db: TestDatabase
  app: App
  payments: Payments
  bus: MemoryBus
  issuer: TestIssuer
  /** A customer token for the user (a fresh user when none is given). */
  tokenFor(userId: string, roles?: string[]): Promise<string>
  adminToken(): Promise<string>
  /** Publishes an event as another service would and waits until the payment service handled it. */
  deliver<T extends EventType>(type: T, data: EventEnvelope<T>['data'], opts?: { id?: string }): Promise<EventEnvelope<T>>
  /** Publishes order.created for a new order and waits for its payment to be prepared. */
  createOrder(o?: { userId?: string; total?: number; expiresAt?: Date }): Promise<{ orderId: string; userId: string; total: number; token: string }>
  pay(token: string, body: Record<string, unknown>, key?: string): Promise<LightMyRequestResponse>
  get(token: string, paymentId: string): Promise<Payment>
  /** The event payloads in the outbox, of one type, oldest first. */
  outbox<T extends EventType>(type: T): Promise<EventEnvelope<T>['data'][]>
  /** Approved charges in the simulator's ledger, for one order or all. */
  charges(orderId?: string): Promise<number>
  close(): Promise<void>
}

/** Starts the payment app on a fresh database; the simulator answers at once unless `env` says otherwise. */
export async function startPayments(opts: { env?: Record<string, string>; prefix?: string } = {}): Promise<PaymentHarness> {
  const db = await createTestDatabase({ migrations: [migrations], prefix: opts.prefix ?? 'payment' })
  const env: Record<string, string> = { PG_SIMULATOR_LATENCY_MS: '0', PG_TIMEOUT_MS: '2000', ...opts.env }
  const logger = createLogger({ service: 'payment', level: 'silent' })
  const shared = loadSharedConfig(env)
  const bus = createMemoryBus({ retryDelaysMs: [20, 50] })
  const cache = createMemoryCache()
  const issuer = await createTestIssuer()
  const rt: Runtime = {
    name: 'payment',
    env,
    shared,
    host: '127.0.0.1',
    port: 0,
    databaseUrl: db.url,
    bus,
    cache,
    logger,
    lifecycle: createLifecycle(logger),
    urls: serviceUrls(shared),
    jwksUrl: 'http://127.0.0.1:9/unused',
    adapterChecks: {},
    mode: 'embedded',
  }
  const deps: ServiceDeps = {
    rt,
    pool: db.pool,
    verifier: createTokenVerifier({ jwks: issuer.jwks, issuer: issuer.issuer, audience: issuer.audience, denylist: cache }),
    relay: createOutboxRelay({ pool: db.pool, bus }),
    metrics: createMetrics('payment'),
    readiness: {},
  }
  const payments = createPayments(deps, loadPaymentSettings(env))
  const app = buildApp(deps, payments)
  await app.ready()
  const subscription: Subscription = await subscribePayments(bus, payments)

  const h: PaymentHarness = {
    db,
    app,
    payments,
    bus,
    issuer,
    tokenFor: (userId, roles = ['customer']) => issuer.tokenFor(userId, roles),
    adminToken: () => issuer.tokenFor(randomUUID(), ['customer', 'admin']),
    async deliver(type, data, o = {}) {
      const event = createEvent('test', type, data, { id: o.id })
      await bus.publish(event)
      await bus.idle()
      return event
    },
    async createOrder(o = {}) {
      const userId = o.userId ?? randomUUID()
      const total = o.total ?? 25_000
      const orderId = randomUUID()
      await h.deliver('order.created', orderCreated({ orderId, userId, total, expiresAt: o.expiresAt }))
      return { orderId, userId, total, token: await h.tokenFor(userId) }
    },
    pay: (token, body, key = randomUUID()) =>
      app.inject({
        method: 'POST',
        url: '/payments',
        headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
        payload: body,
      }),
    async get(token, paymentId) {
      const res = await app.inject({ method: 'GET', url: `/payments/${paymentId}`, headers: { authorization: `Bearer ${token}` } })
      if (res.statusCode !== 200) throw new Error(`GET /payments/${paymentId}: ${res.statusCode} ${res.body}`)
      return res.json<Payment>()
    },
    async outbox(type) {
      const { rows } = await db.pool.query<{ envelope: EventEnvelope }>('SELECT envelope FROM outbox WHERE type = $1 ORDER BY seq', [type])
      return rows.map((r) => r.envelope.data as never)
    },
    async charges(orderId) {
      const { rows } = await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_simulator_ledger
          WHERE kind = 'charge' AND outcome = 'approved' AND ($1::text IS NULL OR order_id = $1)`,
        [orderId ?? null],
      )
      return rows[0].n
    },
    async close() {
      await subscription.stop()
      await app.close()
      await payments.close()
      await bus.close()
      await cache.close()
      await db.drop()
    },
  }
  return h
}

/** A valid order.created payload (the address sealed, as the order service sends it). */
export function orderCreated(o: { orderId: string; userId: string; total: number; expiresAt?: Date }): EventEnvelope<'order.created'>['data'] {
  return {
    orderId: o.orderId,
    userId: o.userId,
    items: [{ productId: randomUUID(), quantity: 1, unitPrice: o.total }],
    subtotal: o.total,
    shippingFee: 0,
    total: o.total,
    currency: 'KRW',
    shippingAddress: { postalCode: '06236', sealed: 'v1.test.sealed' },
    expiresAt: (o.expiresAt ?? new Date(Date.now() + 15 * 60_000)).toISOString(),
  }
}

/** The prepared payment of an order, straight from the table. */
export async function paymentOfOrder(db: TestDatabase, orderId: string): Promise<{ id: string; status: string; amount: number } | undefined> {
  const { rows } = await db.pool.query('SELECT id, status, amount FROM payments WHERE order_id = $1', [orderId])
  return rows[0]
}
