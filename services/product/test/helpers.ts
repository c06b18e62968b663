import type { Product } from '@shop/contracts/product'
import { createTokenVerifier } from '@shop/platform/auth'
import type { ServiceDeps } from '@shop/platform/boot'
import { createMemoryBus, type MemoryBus } from '@shop/platform/bus-memory'
import { createMemoryCache } from '@shop/platform/cache-memory'
import { createLifecycle } from '@shop/platform/lifecycle'
import { createLogger } from '@shop/platform/logger'
import { createMetrics } from '@shop/platform/metrics'
import { createOutboxRelay } from '@shop/platform/outbox'
import type { Cache } from '@shop/platform/ports'
import { loadSharedConfig, type Runtime } from '@shop/platform/runtime'
import type { App } from '@shop/platform/server'
import { createTestIssuer, type TestIssuer } from '@shop/platform/testing-auth'
import { createTestDatabase, type TestDatabase } from '@shop/platform/testing'
import { buildApp } from '../src/app.ts'
import { type ProductContext, productContext } from '../src/context.ts'
import { migrations } from '../src/main.ts'

/** One product service over a fresh database, a memory bus and (by default) a memory cache. */
export interface ProductHarness {
  app: App
  deps: ServiceDeps
  ctx: ProductContext
  db: TestDatabase
  bus: MemoryBus
  cache: Cache
  issuer: TestIssuer
  admin: Record<string, string>
  customer: Record<string, string>
  close(): Promise<void>
}

/** Builds the app as boot.ts would, minus listening: tests drive it with inject(). */
export async function createHarness(opts: { cache?: Cache; env?: Record<string, string> } = {}): Promise<ProductHarness> {
  const db = await createTestDatabase({ migrations: [migrations], prefix: 'product' })
  const issuer = await createTestIssuer()
  const logger = createLogger({ service: 'product', level: 'silent' })
  const bus = createMemoryBus()
  const cache = opts.cache ?? createMemoryCache()
  const env = { ...opts.env }
  const shared = loadSharedConfig(env)
  const rt: Runtime = {
    name: 'product',
    env,
    shared,
    host: '127.0.0.1',
    port: 0,
    databaseUrl: db.url,
    bus,
    cache,
    logger,
    lifecycle: createLifecycle(logger),
    urls: { gateway: '', auth: '', product: '', order: '', payment: '', shipping: '' },
    jwksUrl: '',
    adapterChecks: {},
    mode: 'embedded',
  }
  const verifier = createTokenVerifier({ jwks: issuer.jwks, issuer: issuer.issuer, audience: issuer.audience })
  const relay = createOutboxRelay({ pool: db.pool, bus })
  const deps: ServiceDeps = { rt, pool: db.pool, verifier, relay, metrics: createMetrics('product'), readiness: {} }
  const app = (await buildApp(deps)) as App
  await app.ready()
  const bearer = async (roles: string[]) => ({ authorization: `Bearer ${await issuer.sign({ sub: crypto.randomUUID(), roles })}` })
  return {
    app,
    deps,
    ctx: productContext(deps),
    db,
    bus,
    cache,
    issuer,
    admin: await bearer(['admin', 'customer']),
    customer: await bearer(['customer']),
    async close() {
      await app.close()
      await relay.stop()
      await bus.close()
      if (!opts.cache) await cache.close()
      await db.drop()
    },
  }
}

let seq = 0
/** A unique sku per call within a test file. */
export const nextSku = (prefix = 'SKU'): string => `${prefix}-${process.pid}-${++seq}`

/** Creates a category through the API and returns its id. */
export async function makeCategory(h: ProductHarness, slug: string, parentId?: string): Promise<string> {
  const res = await h.app.inject({ method: 'POST', url: '/categories', headers: h.admin, payload: { name: slug, slug, parentId } })
  if (res.statusCode !== 201) throw new Error(`category ${slug}: ${res.statusCode} ${res.body}`)
  return res.json().id
}

/** Creates a product through the API (admin) and returns it. */
export async function makeProduct(
  h: ProductHarness,
  fields: { categoryId: string } & Partial<{ sku: string; name: string; description: string; price: number; stock: number; images: string[]; attributes: Record<string, unknown> }>,
): Promise<Product> {
  const payload = { sku: nextSku(), name: 'Test product', description: '', price: 1000, ...fields }
  const res = await h.app.inject({ method: 'POST', url: '/products', headers: h.admin, payload })
  if (res.statusCode !== 201) throw new Error(`product: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** The outbox events of a type, oldest first. */
export async function outboxEvents(h: ProductHarness, type: string): Promise<{ data: Record<string, unknown> }[]> {
  const { rows } = await h.db.pool.query<{ envelope: { data: Record<string, unknown> } }>(
    'SELECT envelope FROM outbox WHERE type = $1 ORDER BY seq',
    [type],
  )
  return rows.map((r) => r.envelope)
}

/** on_hand and reserved straight from the table. */
export async function inventoryRow(h: ProductHarness, productId: string): Promise<{ on_hand: number; reserved: number }> {
  const { rows } = await h.db.pool.query('SELECT on_hand, reserved FROM inventory WHERE product_id = $1', [productId])
  return rows[0]
}
