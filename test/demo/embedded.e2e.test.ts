import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DEMO_CATEGORIES, DEMO_PRODUCTS } from '../../scripts/demo/catalogue.ts'
import { DEMO_MARKER_FILE } from '../../scripts/demo/embedded.ts'
import { api, until } from '../e2e/client.ts'
import { type Shop, startEmbeddedShop } from '../e2e/shop.ts'

// `npm start` on a fresh data dir: once the gateway answers, the empty catalogue gets
// the demo catalogue (SHOP_DEMO_DATA unset); with SHOP_DEMO_DATA=false it stays empty.
// Both say so on the console, which is what these tests wait for.
describe('the embedded shop on its first start', () => {
  let shop: Shop | undefined
  afterEach(async () => {
    await shop?.stop()
    shop = undefined
  }, 60_000)

  it('seeds the demo catalogue into its empty catalogue when SHOP_DEMO_DATA is not set', async () => {
    // The harness turns demo data off for other tests; an empty value is "not set".
    shop = await startEmbeddedShop({ SHOP_DEMO_DATA: '' })
    const started = shop
    await until('the demo catalogue line', async () => /Demo catalogue: (seeded|not seeded).*/.exec(started.logs())?.[0], 120_000)
    expect(started.logs()).toContain(`Demo catalogue: seeded 48 products in ${DEMO_CATEGORIES.length} categories`)

    const client = api(started.gatewayUrl)
    const listed = await client.get('/products?limit=100')
    expect(listed.body.items.map((p: { sku: string }) => p.sku).sort()).toEqual(DEMO_PRODUCTS.map((p) => p.sku).sort())
    const marker = JSON.parse(readFileSync(join(started.env.SHOP_DATA_DIR, DEMO_MARKER_FILE), 'utf8'))
    expect(marker).toMatchObject({ seeded: true, products: { created: 48, existing: 0 } })
  }, 320_000)

  it('leaves the catalogue empty with SHOP_DEMO_DATA=false', async () => {
    shop = await startEmbeddedShop({ SHOP_DEMO_DATA: 'false' })
    const started = shop
    await until('the demo catalogue line', async () => started.logs().includes('Demo catalogue: off (SHOP_DEMO_DATA=false)'), 120_000)

    const client = api(started.gatewayUrl)
    expect((await client.get('/products?limit=100')).body.items).toEqual([])
    expect((await client.get('/categories')).body.items).toEqual([])
    expect(existsSync(join(started.env.SHOP_DATA_DIR, DEMO_MARKER_FILE))).toBe(false)
  }, 320_000)
})
