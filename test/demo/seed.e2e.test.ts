import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLogger } from '@shop/platform/logger'
import { serverAvailable } from '@shop/platform/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_CATEGORIES, DEMO_PRODUCTS, demoImagePath } from '../../scripts/demo/catalogue.ts'
import { DEMO_MARKER_FILE, seedDemoOnFirstStart } from '../../scripts/demo/embedded.ts'
import { createHttpDemoApi } from '../../scripts/demo/http-api.ts'
import { type DemoCatalogueApi, seedDemoCatalogue } from '../../scripts/demo/seed.ts'
import { api } from '../e2e/client.ts'
import { type Shop, startDistributedShop } from '../e2e/shop.ts'

// Seeding the demo catalogue into a running shop (every service in its own process)
// through the public API: 48 products the first time, nothing new and no write the
// second time, `npm run seed:demo` agrees; search finds the earphones by a part of a
// word, sold-out products have nothing available, and the categories nest.
const ready = (await serverAvailable('rabbitmq')) && (await serverAvailable('redis'))
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Runs `npm run seed:demo` as a user would (tsx scripts/seed-demo.ts). */
function npmRunSeedDemo(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/seed-demo.ts'], {
      cwd: ROOT,
      env: { ...process.env, BOOTSTRAP_ADMIN_EMAIL: '', BOOTSTRAP_ADMIN_PASSWORD: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (out += c.toString()))
    child.on('exit', (code) => resolve({ code, out }))
  })
}

/** The api with every write counted. */
function counting(inner: DemoCatalogueApi): { api: DemoCatalogueApi; writes: string[] } {
  const writes: string[] = []
  return {
    writes,
    api: {
      ...inner,
      createCategory: (input) => (writes.push(`category ${input.slug}`), inner.createCategory(input)),
      createProduct: (input) => (writes.push(`product ${input.sku}`), inner.createProduct(input)),
    },
  }
}

describe.runIf(ready)('seeding the demo catalogue into a running shop', () => {
  let shop: Shop
  let client: ReturnType<typeof api>

  beforeAll(async () => {
    shop = await startDistributedShop()
    client = api(shop.gatewayUrl)
  }, 320_000)
  afterAll(async () => {
    await shop?.stop()
  }, 60_000)

  const demoApi = () => createHttpDemoApi({ gatewayUrl: shop.gatewayUrl, ...shop.admin })

  it('creates the 48 products and every category the first time, nothing and no write the second time', async () => {
    const first = await seedDemoCatalogue(demoApi())
    expect(first).toEqual({
      categories: { created: DEMO_CATEGORIES.length, existing: 0 },
      products: { created: 48, existing: 0 },
    })

    const again = counting(demoApi())
    const second = await seedDemoCatalogue(again.api)
    expect(second).toEqual({
      categories: { created: 0, existing: DEMO_CATEGORIES.length },
      products: { created: 0, existing: 48 },
    })
    expect(again.writes).toEqual([])

    const cli = await npmRunSeedDemo({ GATEWAY_URL: shop.gatewayUrl, SEED_ADMIN_EMAIL: shop.admin.email, SEED_ADMIN_PASSWORD: shop.admin.password })
    expect(cli.code, cli.out).toBe(0)
    expect(cli.out).toContain('0 products created (48 already there), 0 categories created (9 already there)')

    const listed = await client.get('/products?limit=100')
    expect(listed.status).toBe(200)
    expect(listed.body.items).toHaveLength(48)
  }, 90_000)

  it('stores each product as the catalogue says, with its image at /demo/<sku>.svg and its stock', async () => {
    const listed = await client.get('/products?limit=100')
    const bySku = new Map<string, { price: number; name: string; attributes: unknown; images: string[]; stock: { available: number } }>(
      listed.body.items.map((p: { sku: string }) => [p.sku, p]),
    )
    for (const p of DEMO_PRODUCTS) {
      const stored = bySku.get(p.sku)
      expect(stored, p.sku).toMatchObject({ name: p.name, price: p.price, attributes: p.attributes, images: [demoImagePath(p.sku)] })
      expect(stored?.stock.available, p.sku).toBe(p.stock)
    }
  })

  it('finds the earphone products when searching "이어폰", those named with it inside a word too', async () => {
    const res = await client.get(`/products?${new URLSearchParams({ q: '이어폰', limit: '100' })}`)
    expect(res.status).toBe(200)
    const expected = DEMO_PRODUCTS.filter((p) => p.name.includes('이어폰') || p.description.includes('이어폰')).map((p) => p.sku)
    expect(res.body.items.map((p: { sku: string }) => p.sku).sort()).toEqual(expected.sort())
    expect(expected).toEqual(expect.arrayContaining(['DEMO-AUD-001', 'DEMO-AUD-003']))
  })

  it('shows the sold-out products with nothing available', async () => {
    const listed = await client.get('/products?limit=100')
    const soldOut = DEMO_PRODUCTS.filter((p) => p.stock === 0)
    expect(soldOut.length).toBeGreaterThanOrEqual(3)
    for (const p of soldOut) {
      const { id } = listed.body.items.find((i: { sku: string }) => i.sku === p.sku)
      const read = await client.get(`/products/${id}`)
      expect(read.status).toBe(200)
      expect(read.body.stock.available, p.sku).toBe(0)
    }
    const inStock = await client.get('/products?inStock=true&limit=100')
    expect(inStock.body.items).toHaveLength(48 - soldOut.length)
  })

  it('nests the sub-categories under their parents, and a parent lists its children\'s products', async () => {
    const res = await client.get('/categories')
    const bySlug = new Map<string, { id: string; parentId: string | null; name: string }>(res.body.items.map((c: { slug: string }) => [c.slug, c]))
    for (const c of DEMO_CATEGORIES) {
      expect(bySlug.get(c.slug)?.name).toBe(c.name)
      expect(bySlug.get(c.slug)?.parentId, c.slug).toBe(c.parent === null ? null : bySlug.get(c.parent)?.id)
    }
    const digital = await client.get('/products?category=digital&limit=100')
    const underDigital = DEMO_PRODUCTS.filter((p) => p.category.startsWith('digital-')).length
    expect(digital.body.items).toHaveLength(underDigital)
  })

  it('leaves a shop that already has products alone on an embedded first start, and records that for the data dir', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'shop-demo-'))
    try {
      const { port } = new URL(shop.gatewayUrl)
      await seedDemoOnFirstStart({
        dataDir,
        env: { BOOTSTRAP_ADMIN_EMAIL: shop.admin.email, BOOTSTRAP_ADMIN_PASSWORD: shop.admin.password },
        host: '0.0.0.0',
        port: Number(port),
        logger: createLogger({ service: 'test', level: 'silent' }),
      })
      const marker = JSON.parse(await readFile(join(dataDir, DEMO_MARKER_FILE), 'utf8'))
      expect(marker).toMatchObject({ seeded: false, reason: 'the catalogue had products' })
      expect((await client.get('/products?limit=100')).body.items).toHaveLength(48)
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
