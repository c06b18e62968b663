import { randomUUID } from 'node:crypto'
import type { EventEnvelope, EventType, ShippingAddress } from '@shop/contracts'
import { createTokenVerifier } from '@shop/platform/auth'
import type { ServiceDeps } from '@shop/platform/boot'
import { createMemoryBus, type MemoryBus } from '@shop/platform/bus-memory'
import { createMemoryCache } from '@shop/platform/cache-memory'
import { type FieldCipher, generateKeyringSpec } from '@shop/platform/crypto'
import { createEvent } from '@shop/platform/events'
import { createLifecycle } from '@shop/platform/lifecycle'
import { createLogger } from '@shop/platform/logger'
import { createMetrics } from '@shop/platform/metrics'
import { createOutboxRelay } from '@shop/platform/outbox'
import type { Subscription } from '@shop/platform/ports'
import { loadSharedConfig, type Runtime, serviceUrls } from '@shop/platform/runtime'
import type { App } from '@shop/platform/server'
import { createTestDatabase, type TestDatabase } from '@shop/platform/testing'
import { createTestIssuer, type TestIssuer } from '@shop/platform/testing-auth'
import { buildApp } from '../src/app.ts'
import { loadShippingSettings } from '../src/config.ts'
import { createShipping, type Shipping } from '../src/context.ts'
import { subscribeShipping } from '../src/events/subscribe.ts'
import { migrations } from '../src/main.ts'

/** A shipping service on a fresh database, the memory bus and cache, and a test token issuer. */
export interface Harness {
  app: App
  db: TestDatabase
  bus: MemoryBus
  shipping: Shipping
  issuer: TestIssuer
  env: Record<string, string>
  /** A bearer header for a user with the given roles. */
  auth(userId: string, roles?: string[]): Promise<{ authorization: string }>
  /** Rows of the outbox for one event type, oldest first. */
  outbox<T extends EventType>(type: T): Promise<EventEnvelope<T>[]>
  close(): Promise<void>
}

export interface HarnessOptions {
  env?: Record<string, string>
  /** Subscribe the handlers to the bus (default true). */
  subscribe?: boolean
  retryDelaysMs?: number[]
}

/** A runtime like the embedded one hands a service, over the given adapters. */
export function testRuntime(opts: { env: Record<string, string>; databaseUrl?: string; bus: MemoryBus; jwksUrl?: string }): Runtime {
  const logger = createLogger({ service: 'shipping', level: 'silent' })
  const shared = loadSharedConfig({})
  return {
    name: 'shipping',
    env: opts.env,
    shared,
    host: '127.0.0.1',
    port: 0,
    databaseUrl: opts.databaseUrl,
    bus: opts.bus,
    cache: createMemoryCache(),
    logger,
    lifecycle: createLifecycle(logger),
    urls: serviceUrls(shared),
    jwksUrl: opts.jwksUrl ?? 'http://127.0.0.1:9/.well-known/jwks.json',
    adapterChecks: {},
    mode: 'embedded',
  }
}

/** The service's settings for tests: a fresh key and the simulator left to the test to drive. */
export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PII_ENCRYPTION_KEYS: generateKeyringSpec(), CARRIER_SIMULATOR_AUTO_ADVANCE: 'false', ...extra }
}

/** Builds the app with real dependencies; the outbox relay is not started, so events stay in the table. */
export async function createHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const db = await createTestDatabase({ migrations: [migrations], prefix: 'shipping' })
  const bus = createMemoryBus({ retryDelaysMs: opts.retryDelaysMs ?? [50, 100, 200] })
  const env = testEnv(opts.env)
  const issuer = await createTestIssuer()
  const rt = testRuntime({ env, databaseUrl: db.url, bus })
  const deps: ServiceDeps = {
    rt,
    pool: db.pool,
    verifier: createTokenVerifier({ jwks: issuer.jwks, issuer: issuer.issuer, audience: issuer.audience, denylist: rt.cache }),
    relay: createOutboxRelay({ pool: db.pool, bus }),
    metrics: createMetrics('shipping'),
    readiness: {},
  }
  const shipping = createShipping(deps, loadShippingSettings(env))
  const app = buildApp(deps, shipping)
  await app.ready()
  let sub: Subscription | undefined
  if (opts.subscribe !== false) sub = await subscribeShipping(bus, shipping)
  return {
    app,
    db,
    bus,
    shipping,
    issuer,
    env,
    auth: async (userId, roles = ['customer']) => ({ authorization: `Bearer ${await issuer.tokenFor(userId, roles)}` }),
    outbox: async <T extends EventType>(type: T) =>
      (await db.pool.query<{ envelope: EventEnvelope<T> }>('SELECT envelope FROM outbox WHERE type = $1 ORDER BY seq', [type])).rows.map(
        (r) => r.envelope,
      ),
    async close() {
      await sub?.stop()
      await bus.close()
      await app.close()
      await db.drop()
    },
  }
}

export const ADDRESS: ShippingAddress = {
  recipient: '홍길동',
  phone: '010-1234-5678',
  postalCode: '06236',
  address1: '서울특별시 강남구 테헤란로 123',
  address2: '4층 401호',
}

/** An order.created event as the order service publishes it: the address sealed with the shared key. */
export function orderCreated(
  cipher: FieldCipher,
  o: { orderId: string; userId: string; address?: ShippingAddress; fee?: number },
) {
  const fee = o.fee ?? 3000
  const address = o.address ?? ADDRESS
  return createEvent('order', 'order.created', {
    orderId: o.orderId,
    userId: o.userId,
    items: [{ productId: randomUUID(), quantity: 1, unitPrice: 20_000 }],
    subtotal: 20_000,
    shippingFee: fee,
    total: 20_000 + fee,
    currency: 'KRW',
    shippingAddress: { postalCode: address.postalCode, sealed: cipher.encryptJson(address) },
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
  })
}

export function paymentCompleted(o: { orderId: string; userId: string }) {
  return createEvent('payment', 'payment.completed', {
    paymentId: randomUUID(),
    orderId: o.orderId,
    userId: o.userId,
    amount: 23_000,
    method: 'card',
    approvedAt: new Date().toISOString(),
  })
}

export function orderCancelled(o: { orderId: string; userId: string; previousStatus?: string }) {
  return createEvent('order', 'order.cancelled', {
    orderId: o.orderId,
    userId: o.userId,
    reason: 'customer_request',
    previousStatus: o.previousStatus ?? 'PAID',
  })
}

/** Publishes order.created then payment.completed and waits until the READY shipment exists. */
export async function paidOrder(h: Harness, o: { orderId?: string; userId?: string } = {}) {
  const orderId = o.orderId ?? randomUUID()
  const userId = o.userId ?? randomUUID()
  await h.bus.publish(orderCreated(h.shipping.cipher, { orderId, userId }))
  await h.bus.idle()
  await h.bus.publish(paymentCompleted({ orderId, userId }))
  await h.bus.idle()
  const { rows } = await h.db.pool.query<{ id: string }>('SELECT id FROM shipments WHERE order_id = $1', [orderId])
  if (!rows[0]) throw new Error('the shipment was not created')
  return { orderId, userId, shipmentId: rows[0].id }
}
