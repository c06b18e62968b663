import { gzipSync } from 'node:zlib'
import type { Browser } from 'playwright-core'
import { launchBrowser } from '../../apps/web/e2e/chromium.ts'
import { createHttpDemoApi } from '../../scripts/demo/http-api.ts'
import { seedDemoCatalogue } from '../../scripts/demo/seed.ts'
import type { Shop } from '../../test/e2e/shop.ts'
import { loadTest } from '../lib/autocannon.ts'
import { percentile } from '../lib/result.ts'
import { acquireShop, type ShopLease, shopFixture } from '../lib/shop-lease.ts'
import { type BenchContext, type Scenario, SkipScenario } from '../lib/types.ts'

// Issue 13: the storefront's cost to a shopper (JavaScript shipped, Largest Contentful Paint)
// and the server-rendered product page's throughput beside raw-fastify.

const JS_TARGET_KB = 120
const LCP_TARGET_MS = 1000
const SSR_TARGET = 0.25
/** The Accept-Encoding Chromium sends on a navigation. */
const BROWSER_ACCEPT_ENCODING = 'gzip, deflate, br, zstd'

/** The demo catalogue in the shared shop, seeded through the public API once per shop. */
function demoProducts(shop: Shop): Promise<string[]> {
  return shopFixture(shop, 'demo-catalogue', async () => {
    await seedDemoCatalogue(createHttpDemoApi({ gatewayUrl: shop.gatewayUrl, email: shop.admin.email, password: shop.admin.password }))
    const res = await fetch(`${shop.gatewayUrl}/v1/products?limit=100&inStock=true`)
    return ((await res.json()) as { items: { id: string }[] }).items.map((p) => p.id)
  })
}

let pageLease: ShopLease | undefined
let pageIds: string[] = []

/** GET /products/:id: the HTML page rendered on the server with its data, through the gateway. */
export const productPageSsr: Scenario = {
  name: 'web-product-page-ssr',
  group: 'web',
  baseline: 'raw-fastify',
  // judged by a ratio: its baseline measured right around it, on the same machine (the shop's servers running)
  pairedBaseline: true,
  async setup(ctx) {
    pageLease = await acquireShop(ctx)
    pageIds = await demoProducts(pageLease.shop)
    for (const id of pageIds) await (await fetch(`${pageLease.shop.gatewayUrl}/products/${id}`)).text()
  },
  async run(ctx) {
    const r = await loadTest(ctx, {
      url: `${pageLease!.shop.gatewayUrl}/products/${pageIds[0]}`,
      // what Chromium sends with every navigation: the page comes back compressed, as browsers get it
      requests: pageIds.map((id) => ({ method: 'GET' as const, path: `/products/${id}`, headers: { 'accept-encoding': BROWSER_ACCEPT_ENCODING } })),
    })
    return {
      ...r,
      notes: `${pageIds.length} demo products in turn, asked as Chromium asks (accept-encoding: ${BROWSER_ACCEPT_ENCODING}); each answer is the whole HTML page (React renderToString, the product and categories read through the gateway's public API in-process, JSON-LD), brotli-compressed once per page copy; target ≥ ${SSR_TARGET * 100}% of raw-fastify`,
    }
  },
  async teardown() {
    pageLease?.release()
    pageLease = undefined
  },
}

let loadLease: ShopLease | undefined
let browser: Browser | undefined

/** One cold page load in a fresh browser profile: JavaScript fetched (gzip bytes) and LCP. */
async function coldLoad(url: string): Promise<{ jsGzipBytes: number; lcpMs: number; scripts: string[] }> {
  const ctx = await browser!.newContext({ viewport: { width: 390, height: 844 }, locale: 'ko-KR' })
  try {
    const page = await ctx.newPage()
    const scripts = new Map<string, Promise<Buffer>>()
    page.on('response', (res) => {
      if (res.request().resourceType() === 'script') scripts.set(res.url(), res.body())
    })
    await page.addInitScript(() => {
      const w = window as unknown as { __lcp: number }
      w.__lcp = 0
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__lcp = e.startTime
      }).observe({ type: 'largest-contentful-paint', buffered: true })
    })
    await page.goto(url, { waitUntil: 'networkidle' })
    // LCP is final at the first input or when the page is hidden; read it after the load settles
    const lcpMs = await page.evaluate(() => (window as unknown as { __lcp: number }).__lcp)
    let jsGzipBytes = 0
    for (const body of scripts.values()) jsGzipBytes += gzipSync(await body, { level: 9 }).length
    return { jsGzipBytes, lcpMs, scripts: [...scripts.keys()].map((u) => new URL(u).pathname) }
  } finally {
    await ctx.close()
  }
}

function pageLoadScenario(name: string, path: (ids: string[]) => string, what: string): Scenario {
  return {
    name,
    group: 'web',
    async setup(ctx) {
      browser = await launchBrowser().catch((err: Error) => {
        throw new SkipScenario(`Chromium (/usr/bin/chromium) cannot start: ${err.message}`)
      })
      loadLease = await acquireShop(ctx)
      await demoProducts(loadLease.shop)
    },
    async run(ctx: BenchContext) {
      const shop = loadLease!.shop
      const ids = await demoProducts(shop)
      const url = `${shop.gatewayUrl}${path(ids)}`
      await coldLoad(url) // the server's first render, and Chromium's own start, are not a shopper's
      const loads = ctx.smoke ? 2 : 15
      const lcps: number[] = []
      let last = { jsGzipBytes: 0, lcpMs: 0, scripts: [] as string[] }
      const started = Date.now()
      for (let i = 0; i < loads; i++) {
        last = await coldLoad(url)
        lcps.push(last.lcpMs)
      }
      lcps.sort((a, b) => a - b)
      const kb = last.jsGzipBytes / 1024
      const admin = last.scripts.some((s) => /admin/i.test(s))
      return {
        requestsPerSec: loads / ((Date.now() - started) / 1000),
        p50Ms: percentile(lcps, 50),
        p95Ms: percentile(lcps, 95),
        p99Ms: percentile(lcps, 99),
        errors: 0,
        total: loads,
        figure: { name: 'first-load JS', value: Math.round(kb * 10) / 10, unit: 'KB gzip' },
        notes:
          `${what}, ${loads} cold loads in fresh browser profiles at 390×844 on loopback; latency columns are Largest Contentful Paint; ` +
          `JavaScript on first load ${kb.toFixed(1)} KB gzip in ${last.scripts.length} file(s) (${admin ? 'ADMIN CODE INCLUDED' : 'no admin code'}); ` +
          `targets ≤ ${JS_TARGET_KB} KB gzip, LCP ≤ ${LCP_TARGET_MS} ms; requests/s here is page loads per second of one browser`,
      }
    },
    async teardown() {
      await browser?.close()
      browser = undefined
      loadLease?.release()
      loadLease = undefined
    },
  }
}

export const homeFirstLoad = pageLoadScenario('web-home-first-load', () => '/', 'the home page')
export const productFirstLoad = pageLoadScenario('web-product-first-load', (ids) => `/products/${ids[0]}`, 'a product page')
