import { randomUUID } from 'node:crypto'
import type { EventEnvelope, EventType, ShippingAddress } from '@shop/contracts'
import type { OrderView, PlaceOrderBody } from '@shop/contracts/order'
import { createTokenVerifier } from '@shop/platform/auth'
import type { ServiceDeps } from '@shop/platform/boot'
import { createMemoryBus, type MemoryBus } from '@shop/platform/bus-memory'
import { createMemoryCache } from '@shop/platform/cache-memory'
import { generateKeyringSpec } from '@shop/platform/crypto'
import { createEvent } from '@shop/platform/events'
import { createLifecycle } from '@shop/platform/lifecycle'
import { createLogger } from '@shop/platform/logger'
import { createMetrics } from '@shop/platform/metrics'
import { createOutboxRelay } from '@shop/platform/outbox'
import type { Subscription } from '@shop/platform/ports'
import { loadSharedConfig, type Runtime, serviceUrls } from '@shop/platform/runtime'
import type { App } from '@shop/platform/server'
import type { LightMyRequestResponse } from 'fastify'
import { createPool } from '@shop/platform/db'
import { createTestDatabase, type TestDatabase } from '@shop/platform/testing'
import { createTestIssuer, type TestIssuer } from '@shop/platform/testing-auth'
import { buildApp } from '../src/app.ts'
import { loadOrderSettings } from '../src/config.ts'
import { createOrderContext, type OrderContext, type UpstreamOverrides } from '../src/context.ts'
import { subscribeOrders } from '../src/events/subscribe.ts'
import { migrations } from '../src/main.ts'
import { type ProductStandIn, productStandIn, type ShippingStandIn, shippingStandIn } from './upstream-stand-ins.ts'

/** An order service on a fresh database, the memory bus and cache, a test token issuer and upstream stand-ins. */
export interface Harness {
  app: App
  db: TestDatabase
  bus: MemoryBus
  ctx: OrderContext
  issuer: TestIssuer
  product: ProductStandIn
  shipping: ShippingStandIn
  /** A bearer header for a user with the given roles. */
  auth(userId: string, roles?: string[]): Promise<{ authorization: string }>
  /** Adds a product the product stand-in knows; returns its id. */
  addProduct(price: number, name?: string): string
  /** POST /orders as the user; returns the raw response. */
  place(userId: string, body: PlaceOrderBody, key?: string): Promise<LightMyRequestResponse>
  /** POST /orders that must succeed; returns the order view. */
  placed(userId: string, body?: Partial<PlaceOrderBody>): Promise<OrderView>
  /** Rows of the outbox for one event type, oldest first. */
  outbox<T extends EventType>(type: T): Promise<EventEnvelope<T>[]>
  /** Publishes the events one after the other, each handled before the next is sent. */
  deliver(...events: EventEnvelope[]): Promise<void>
  count(table: string): Promise<number>
  /**
   * A second order-service instance on the same database (its own pool, context, app and
   * memory bus, as another replica would have); closed with the harness.
   */
  replica(upstream?: UpstreamOverrides): Promise<Replica>
  close(): Promise<void>
}

export interface Replica {
  app: App
  ctx: OrderContext
  /** Publishes events to this replica's own consumers only, each handled before the next. */
  deliver(...events: EventEnvelope[]): Promise<void>
}

export const ADDRESS: ShippingAddress = {
  recipient: '홍길동',
  phone: '010-1234-5678',
  postalCode: '06236',
  address1: '서울특별시 강남구 테헤란로 123',
  address2: '4층 401호',
}

/** A runtime like the embedded one hands a service, pointing product and shipping at the stand-ins. */
function testRuntime(env: Record<string, string>, databaseUrl: string, bus: MemoryBus, upstream: { product: string; shipping: string }): Runtime {
  const logger = createLogger({ service: 'order', level: 'silent' })
  const shared = loadSharedConfig({})
  return {
    name: 'order',
    env,
    shared,
    host: '127.0.0.1',
    port: 0,
    databaseUrl,
    bus,
    cache: createMemoryCache(),
    logger,
    lifecycle: createLifecycle(logger),
    urls: { ...serviceUrls(shared), ...upstream },
    jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json',
    adapterChecks: {},
    mode: 'embedded',
  }
}

/** Builds the app with real dependencies; the outbox relay is not started, so events stay in the table. */
export async function createHarness(opts: { env?: Record<string, string> } = {}): Promise<Harness> {
  const [db, issuer, product, shipping] = await Promise.all([
    createTestDatabase({ migrations: [migrations], prefix: 'order' }),
    createTestIssuer(),
    productStandIn(),
    shippingStandIn(),
  ])
  const bus = createMemoryBus({ retryDelaysMs: [20, 50, 100] })
  const env = { PII_ENCRYPTION_KEYS: generateKeyringSpec(), ...opts.env }
  const rt = testRuntime(env, db.url, bus, { product: product.url, shipping: shipping.url })
  const deps: ServiceDeps = {
    rt,
    pool: db.pool,
    verifier: createTokenVerifier({ jwks: issuer.jwks, issuer: issuer.issuer, audience: issuer.audience, denylist: rt.cache }),
    relay: createOutboxRelay({ pool: db.pool, bus }),
    metrics: createMetrics('order'),
    readiness: {},
  }
  const ctx = createOrderContext(deps, loadOrderSettings(env), { retryBaseMs: 10 })
  const app = buildApp(deps, ctx)
  await app.ready()
  const sub: Subscription = await subscribeOrders(bus, ctx)
  const auth = async (userId: string, roles = ['customer']) => ({ authorization: `Bearer ${await issuer.tokenFor(userId, roles)}` })

  const replicaClosers: (() => Promise<void>)[] = []
  const h: Harness = {
    app,
    db,
    bus,
    ctx,
    issuer,
    product,
    shipping,
    auth,
    addProduct(price, name = `상품 ${price}`) {
      const id = randomUUID()
      product.catalogue.set(id, { price, name })
      return id
    },
    async place(userId, body, key = randomUUID()) {
      return app.inject({ method: 'POST', url: '/orders', headers: { ...(await auth(userId)), 'idempotency-key': key }, payload: body })
    },
    async placed(userId, body = {}) {
      const res = await h.place(userId, {
        items: body.items ?? [{ productId: h.addProduct(10_000), quantity: 1 }],
        shippingAddress: body.shippingAddress ?? ADDRESS,
      })
      if (res.statusCode !== 201) throw new Error(`placing an order answered ${res.statusCode}: ${res.body}`)
      return res.json() as OrderView
    },
    outbox: async <T extends EventType>(type: T) =>
      (await db.pool.query<{ envelope: EventEnvelope<T> }>('SELECT envelope FROM outbox WHERE type = $1 ORDER BY seq', [type])).rows.map(
        (r) => r.envelope,
      ),
    async deliver(...events) {
      for (const e of events) {
        await bus.publish(e)
        await bus.idle()
      }
    },
    async count(table) {
      return (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n
    },
    async replica(upstream = {}) {
      const pool = createPool(db.url, { max: 5 })
      const rbus = createMemoryBus({ retryDelaysMs: [20, 50, 100] })
      const rrt = testRuntime(env, db.url, rbus, { product: product.url, shipping: shipping.url })
      const rdeps: ServiceDeps = { ...deps, rt: rrt, pool, relay: createOutboxRelay({ pool, bus: rbus }), metrics: createMetrics('order') }
      const rctx = createOrderContext(rdeps, loadOrderSettings(env), { retryBaseMs: 10, ...upstream })
      const rapp = buildApp(rdeps, rctx)
      await rapp.ready()
      const rsub = await subscribeOrders(rbus, rctx)
      replicaClosers.push(async () => {
        await rsub.stop()
        await rbus.close()
        await rapp.close()
        await rctx.close()
        await pool.end()
      })
      return {
        app: rapp,
        ctx: rctx,
        async deliver(...events) {
          for (const e of events) {
            await rbus.publish(e)
            await rbus.idle()
          }
        },
      }
    },
    async close() {
      for (const c of replicaClosers) await c()
      await sub.stop()
      await bus.close()
      await app.close()
      await ctx.close()
      await Promise.all([product.close(), shipping.close()])
      await db.drop()
    },
  }
  return h
}

/** Events as the payment and shipping services publish them. */
export const events = {
  paymentCompleted: (o: OrderView, paymentId = randomUUID()) =>
    createEvent('payment', 'payment.completed', {
      paymentId,
      orderId: o.id,
      userId: o.userId,
      amount: o.total,
      method: 'card',
      approvedAt: new Date().toISOString(),
    }),
  paymentFailed: (o: OrderView, failureCode = 'card_declined') =>
    createEvent('payment', 'payment.failed', {
      paymentId: randomUUID(),
      orderId: o.id,
      userId: o.userId,
      amount: o.total,
      failureCode,
      failureMessage: 'the card was declined',
    }),
  paymentRefunded: (o: OrderView, paymentId: string, refundedAmount = o.total) =>
    createEvent('payment', 'payment.refunded', { paymentId, orderId: o.id, amount: refundedAmount, refundedAmount, reason: 'order cancelled' }),
  shipmentDispatched: (o: OrderView, trackingNumber = '612345678901') =>
    createEvent('shipping', 'shipment.dispatched', {
      shipmentId: randomUUID(),
      orderId: o.id,
      carrier: 'CJ',
      trackingNumber,
      dispatchedAt: new Date().toISOString(),
    }),
  shipmentDelivered: (o: OrderView) =>
    createEvent('shipping', 'shipment.delivered', { shipmentId: randomUUID(), orderId: o.id, deliveredAt: new Date().toISOString() }),
}
