import { cpus, loadavg } from 'node:os'
import type { Shop } from '../../test/e2e/shop.ts'
import { startDistributedShop } from '../../test/e2e/shop.ts'
import { closedLoop, errorSummary, type HttpRequest, loopbackPool, ms, okLatencies, percentiles, recordResult } from '../lib/http-load.ts'
import { MILLION, type MillionCatalogue, millionProducts } from '../lib/million-products.ts'
import { BENCH_SHOP_ENV, call } from '../lib/shop-lease.ts'
import { type Scenario, SkipScenario } from '../lib/types.ts'

// Issue 4: search and filters over a million products, the product service's own route,
// with the listing cache kept out of the answer.

/** One query in flight per core: latency of the queries themselves, not of a queue in front of them. */
const CONNECTIONS = 2
/** Target (issue 4): p95 of the query mix. */
const P95_TARGET_MS = 30

// 3+ characters match inside words (이어폰 in "Pro이어폰"), shorter ones word beginnings (노트 → 노트북).
const KOREAN = ['이어폰', '청소기', '키보드', '충전기', '텀블러', '스마트', '노트', '무선']
const ENGLISH = ['wireless', 'speaker', 'camera', 'premium', 'portable', 'charging', 'warranty']
const KINDS = ['korean-partial', 'english-word', 'category-price-sort', 'in-stock'] as const

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]

/**
 * One query of the mix, round-robin over the kinds. Every request carries a different
 * minPrice below 1,000 KRW (the cheapest seeded price), which filters nothing but gives
 * each request its own listing-cache key, so PostgreSQL answers every one.
 */
function searchRequest(i: number, cat: MillionCatalogue): HttpRequest {
  const kind = KINDS[i % KINDS.length]
  const params = new URLSearchParams({ limit: '20', minPrice: String(Math.floor(Math.random() * 1000)) })
  if (kind === 'korean-partial') params.set('q', pick(KOREAN))
  else if (kind === 'english-word') params.set('q', pick(ENGLISH))
  else if (kind === 'category-price-sort') {
    params.set('category', pick([...cat.topCategoryIds, ...cat.leafCategoryIds]))
    params.set('sort', pick(['price_asc', 'price_desc']))
  } else {
    params.set('inStock', 'true')
    if (i % 8 < 4) params.set('q', pick(KOREAN))
    else params.set('category', pick(cat.leafCategoryIds))
  }
  return { path: `/products?${params}`, kind }
}

async function listingCacheHits(productUrl: string): Promise<number> {
  const res = await fetch(`${productUrl}/metrics`, { signal: AbortSignal.timeout(5000) })
  // Other labels (service) stand beside cache=.
  const m = /^product_cache_hits_total\{[^}]*cache="listing"[^}]*\} (\d+)/m.exec(await res.text())
  return m ? Number(m[1]) : 0
}

let shop: Shop | undefined
let catalogue: MillionCatalogue | undefined

/** The search/filter mix against the product service over 1,000,000 products; p95 target < 30 ms. */
export const search1m: Scenario = {
  name: 'search-1m',
  group: 'search',
  baseline: 'raw-fastify',
  async setup(ctx) {
    if (ctx.smoke) throw new SkipScenario('a million products take minutes to seed; not in a smoke run')
    catalogue = await millionProducts(ctx)
    ctx.log('starting the distributed shop with the million-product catalogue')
    shop = await startDistributedShop({ ...BENCH_SHOP_ENV, PRODUCT_DATABASE_URL: catalogue.url })
    // Each kind must find something, or the figures would time empty answers.
    for (let i = 0; i < KINDS.length; i++) {
      const page = await call<{ items: unknown[] }>(shop.urls.product, 'GET', searchRequest(i, catalogue).path)
      if (page.items.length === 0) throw new Error(`${KINDS[i]} query found nothing in ${MILLION} products`)
    }
  },
  async run(ctx) {
    const pool = loopbackPool(shop!.urls.product, CONNECTIONS)
    try {
      const request = (i: number) => searchRequest(i, catalogue!)
      if (ctx.warmupSec > 0) await closedLoop(pool, { connections: CONNECTIONS, durationSec: ctx.warmupSec, request })
      const hitsBefore = await listingCacheHits(shop!.urls.product)
      const record = await closedLoop(pool, { connections: CONNECTIONS, durationSec: ctx.durationSec, request })
      const hits = (await listingCacheHits(shop!.urls.product)) - hitsBefore
      const all = percentiles(okLatencies(record))
      const perKind = KINDS.map((k) => {
        const p = percentiles(okLatencies(record, k))
        return `${k} p50 ${ms(p.p50Ms)} / p95 ${ms(p.p95Ms)} / p99 ${ms(p.p99Ms)}`
      })
      const errors = errorSummary(record)
      return recordResult(
        record,
        [
          `queries/s, GET /products on the product service (no gateway), ${MILLION.toLocaleString('en-US')} products, ${CONNECTIONS} connections`,
          `p95 target < ${P95_TARGET_MS} ms: ${all.p95Ms < P95_TARGET_MS ? 'met' : 'missed'}`,
          ...perKind,
          `listing cache answered ${hits} of ${record.samples.length}`,
          // The run's own processes included: well above the core count, the figures measure the queue for a core.
          `load average ${loadavg()[0].toFixed(2)} on ${cpus().length} cores at the end`,
          catalogue!.provenance,
          ...(errors ? [`errors: ${errors}`] : []),
        ].join('; '),
      )
    } finally {
      await pool.close()
    }
  },
  async teardown() {
    await shop?.stop()
    shop = undefined
    catalogue = undefined
  },
}
