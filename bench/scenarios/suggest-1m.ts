import { cpus, loadavg } from 'node:os'
import type { Shop } from '../../test/e2e/shop.ts'
import { startDistributedShop } from '../../test/e2e/shop.ts'
import { closedLoop, errorSummary, type HttpRequest, loopbackPool, ms, okLatencies, percentiles, recordResult } from '../lib/http-load.ts'
import { MILLION, type MillionCatalogue, millionProducts } from '../lib/million-products.ts'
import { BENCH_SHOP_ENV, call } from '../lib/shop-lease.ts'
import { type Scenario, SkipScenario } from '../lib/types.ts'

// Issue 13: search suggestions asked on every keystroke, over a million products, on the
// product service's own GET /products/suggest (the gateway adds its own ~1 ms).

/** One query in flight per core, as search-1m: the latency of the queries, not of a queue. */
const CONNECTIONS = 2
/** Target (issue 13): p95 under 10 ms. */
const P95_TARGET_MS = 10

// What a shopper types, one keystroke at a time: every prefix of these words and phrases
// (Korean and English, 1 character on), plus text that matches nothing at all, short and long.
const TYPED = ['무선이어폰', '스마트워치', '청소기', '키보드', '노트북', 'wireless', 'speaker', 'headphones', 'bose pro', '선이어']
const NOTHING = ['쥬크', 'zq', '쥬크박스', 'xylophone']
const KINDS = ['1-2 chars', '3+ chars', 'no match'] as const

const keystrokes: { q: string; kind: (typeof KINDS)[number] }[] = [
  ...TYPED.flatMap((w) => [...w].map((_, i) => [...w].slice(0, i + 1).join('')).filter((p) => p.trim() === p)).map((q) => ({
    q,
    kind: [...q].length < 3 ? ('1-2 chars' as const) : ('3+ chars' as const),
  })),
  ...NOTHING.map((q) => ({ q, kind: 'no match' as const })),
]

const suggestRequest = (i: number): HttpRequest => {
  const k = keystrokes[i % keystrokes.length]
  return { path: `/products/suggest?q=${encodeURIComponent(k.q)}&limit=8`, kind: k.kind }
}

let shop: Shop | undefined
let catalogue: MillionCatalogue | undefined

/** GET /products/suggest over 1,000,000 products, every prefix of typed words in turn; p95 target < 10 ms. */
export const suggest1m: Scenario = {
  name: 'suggest-1m',
  group: 'search',
  baseline: 'raw-fastify',
  async setup(ctx) {
    if (ctx.smoke) throw new SkipScenario('a million products take minutes to seed; not in a smoke run')
    catalogue = await millionProducts(ctx)
    ctx.log('starting the distributed shop with the million-product catalogue')
    shop = await startDistributedShop({ ...BENCH_SHOP_ENV, PRODUCT_DATABASE_URL: catalogue.url })
    // Typed words must find something, or the figures would time empty answers.
    for (const w of TYPED) {
      const found = await call<{ items: unknown[] }>(shop.urls.product, 'GET', `/products/suggest?q=${encodeURIComponent(w)}`)
      if (found.items.length === 0) throw new Error(`suggest "${w}" found nothing in ${MILLION} products`)
    }
  },
  async run(ctx) {
    const pool = loopbackPool(shop!.urls.product, CONNECTIONS)
    try {
      if (ctx.warmupSec > 0) await closedLoop(pool, { connections: CONNECTIONS, durationSec: ctx.warmupSec, request: suggestRequest })
      const record = await closedLoop(pool, { connections: CONNECTIONS, durationSec: ctx.durationSec, request: suggestRequest })
      const all = percentiles(okLatencies(record))
      const perKind = KINDS.map((k) => {
        const p = percentiles(okLatencies(record, k))
        return `${k} p50 ${ms(p.p50Ms)} / p95 ${ms(p.p95Ms)} / p99 ${ms(p.p99Ms)}`
      })
      const errors = errorSummary(record)
      return recordResult(
        record,
        [
          `suggestions/s, GET /products/suggest on the product service (no gateway), ${MILLION.toLocaleString('en-US')} products, ${CONNECTIONS} connections, ${keystrokes.length} keystrokes in turn`,
          `p95 target < ${P95_TARGET_MS} ms: ${all.p95Ms < P95_TARGET_MS ? 'met' : 'missed'}`,
          ...perKind,
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
