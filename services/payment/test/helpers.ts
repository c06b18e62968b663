import { randomUUID } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
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
import { insertPrepared } from '../src/data/payment.repository.ts'
import { subscribePayments } from '../src/events/subscribe.ts'
import { migrations } from '../src/main.ts'

/**
 * One payment service per test file (or per situation): its own database, an in-memory
 * bus and cache, tokens from a test issuer, the PG simulator (or Toss) per `env`, and a
 * local stand-in of the order service's GET /orders/:id contract (the real cross-service
 * flow is the e2e suite's).
 */

/** An order as the stand-in order service answers it (the part of API.md's order view payment reads). */
export interface StandInOrder {
  id: string
  userId: string
  status: string
  total: number
  expiresAt: string
}

/** The order service's GET /orders/:id, over HTTP, for the orders a test puts in `orders`. */
export interface OrderServiceStandIn {
  url: string
  orders: Map<string, StandInOrder>
  /** Requests it received, oldest first. */
  seen: { path: string; headers: IncomingHttpHeaders }[]
  /** While set, every request is answered with this status (503: the order service is unwell). */
  failWith: number | null
  close(): Promise<void>
}

export async function startOrderServiceStandIn(issuer: TestIssuer): Promise<OrderServiceStandIn> {
  const stand: Omit<OrderServiceStandIn, 'url' | 'close'> = { orders: new Map(), seen: [], failWith: null }
  const server = createServer((req, res) => {
    stand.seen.push({ path: req.url ?? '', headers: req.headers })
    if (stand.failWith) {
      res.writeHead(stand.failWith, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ status: stand.failWith, code: 'unavailable' }))
      return
    }
    const id = /^\/orders\/([^/]+)$/.exec(req.url ?? '')?.[1]
    const order = id ? stand.orders.get(id) : undefined
    void ownerOf(req.headers.authorization).then((userId) => {
      // Like the order service: another user's order is 404.
      if (!order || userId !== order.userId) {
        res.writeHead(404, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ status: 404, code: 'not_found' }))
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...order, currency: 'KRW', items: [], history: [] }))
    })
  })
  const verifier = createTokenVerifier({ jwks: issuer.jwks, issuer: issuer.issuer, audience: issuer.audience })
  async function ownerOf(authorization: string | undefined): Promise<string | null> {
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1]
    if (!token) return null
    return verifier.verify(token).then(
      (u) => u.id,
      () => null,
    )
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return Object.assign(stand, {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  })
}

export interface PaymentHarness {
  db: TestDatabase
  app: App
  payments: Payments
  bus: MemoryBus
  issuer: TestIssuer
  /** The order service this payment service asks (ORDER_URL), unless `env` names another. */
  orderService: OrderServiceStandIn
  /** A customer token for the user (a fresh user when none is given). */
  tokenFor(userId: string, roles?: string[]): Promise<string>
  adminToken(): Promise<string>
  /** Publishes an event as another service would and waits until the payment service handled it. */
  deliver<T extends EventType>(type: T, data: EventEnvelope<T>['data'], opts?: { id?: string }): Promise<EventEnvelope<T>>
  /**
   * A new PENDING_PAYMENT order, known to the order service only (its payment is made by
   * the first POST /payments); with `prepared`, its READY payment is on record already,
   * as a payment whose charge never reached the PG is left.
   */
  createOrder(o?: { userId?: string; total?: number; expiresAt?: Date; prepared?: boolean }): Promise<{ orderId: string; userId: string; total: number; token: string }>
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
  const issuer = await createTestIssuer()
  const orderService = await startOrderServiceStandIn(issuer)
  const env: Record<string, string> = { PG_SIMULATOR_LATENCY_MS: '0', PG_TIMEOUT_MS: '2000', ORDER_URL: orderService.url, ...opts.env }
  const logger = createLogger({ service: 'payment', level: 'silent' })
  const shared = loadSharedConfig(env)
  const bus = createMemoryBus({ retryDelaysMs: [20, 50] })
  const cache = createMemoryCache()
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
    orderService,
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
      const expiresAt = o.expiresAt ?? new Date(Date.now() + 15 * 60_000)
      orderService.orders.set(orderId, { id: orderId, userId, status: 'PENDING_PAYMENT', total, expiresAt: expiresAt.toISOString() })
      if (o.prepared) await insertPrepared(db.pool, { orderId, userId, amount: total, expiresAt })
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
      await orderService.close()
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
