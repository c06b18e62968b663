import { randomUUID } from 'node:crypto'
import type { Product } from '@shop/contracts/product'
import { createEvent } from '@shop/platform/events'
import type { Subscription } from '@shop/platform/ports'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { subscribeProductEvents } from '../src/events/subscribe.ts'
import { expireReservations } from '../src/use-cases/expire-reservations.ts'
import { createHarness, makeCategory, makeProduct, type ProductHarness } from './helpers.ts'

let h: ProductHarness
const cat: Record<string, string> = {}
const p: Record<string, Product> = {}

beforeAll(async () => {
  h = await createHarness()
  cat.electronics = await makeCategory(h, 'electronics')
  cat.audio = await makeCategory(h, 'audio', cat.electronics)
  cat.earphones = await makeCategory(h, 'earphones', cat.audio)
  cat.fashion = await makeCategory(h, 'fashion')
  p.wireless = await makeProduct(h, { categoryId: cat.earphones, name: '무선이어폰 프로', description: '노이즈 캔슬링', price: 129_000, stock: 5 })
  p.wired = await makeProduct(h, { categoryId: cat.earphones, name: '유선 이어폰', description: '가성비 좋은 기본형', price: 9_900, stock: 3 })
  p.speaker = await makeProduct(h, { categoryId: cat.audio, name: 'Bluetooth Speaker', description: 'Portable, waterproof', price: 59_000, stock: 0 })
  p.stand = await makeProduct(h, { categoryId: cat.audio, name: 'Speaker Stand', description: 'Steel stand', price: 15_000, stock: 8 })
  p.watch = await makeProduct(h, { categoryId: cat.electronics, name: '스마트 워치', description: '심박 측정과 수면 분석', price: 199_000, stock: 2 })
  p.shoes = await makeProduct(h, { categoryId: cat.fashion, name: 'Running Shoes', description: 'Great with a speaker armband', price: 89_000, stock: 10 })
})
afterAll(async () => {
  await h?.close()
})

interface Page {
  items: Product[]
  nextCursor: string | null
  facets?: { categories: { categoryId: string; count: number }[]; exact: boolean }
}

async function list(query: string, app = h.app): Promise<Page> {
  const res = await app.inject({ method: 'GET', url: `/products?${query}` })
  if (res.statusCode !== 200) throw new Error(`${query}: ${res.statusCode} ${res.body}`)
  return res.json()
}
const names = (items: Product[]) => items.map((i) => i.name)
const q = (s: string) => `q=${encodeURIComponent(s)}`

describe('search', () => {
  it('"이어폰" finds "무선이어폰 프로" (part of a word) and "유선 이어폰" (a whole word), nothing else', async () => {
    expect(names((await list(q('이어폰'))).items).sort()).toEqual(['무선이어폰 프로', '유선 이어폰'])
  })

  it('"speaker" finds "Bluetooth Speaker" whatever the case, and parts of words match too', async () => {
    expect(names((await list(q('SPEAKER'))).items)).toContain('Bluetooth Speaker')
    expect(names((await list(q('luetoot'))).items)).toEqual(['Bluetooth Speaker'])
  })

  it('matches the description, and short terms match word beginnings', async () => {
    expect(names((await list(q('수면 분석'))).items)).toEqual(['스마트 워치'])
    expect(names((await list(q('심박'))).items)).toEqual(['스마트 워치'])
    expect(names((await list(q('po'))).items)).toEqual(['Bluetooth Speaker'])
    // Documented limit: a one- or two-character term does not match inside a word.
    expect((await list(q('ea'))).items).toEqual([])
  })

  it('every term must match', async () => {
    expect(names((await list(q('무선 이어폰'))).items)).toEqual(['무선이어폰 프로'])
    expect((await list(q('이어폰 speaker'))).items).toEqual([])
  })

  it('ranks by relevance: name beginning, then name, then description only', async () => {
    expect(names((await list(q('speaker'))).items)).toEqual(['Speaker Stand', 'Bluetooth Speaker', 'Running Shoes'])
  })

  it('a query with nothing searchable lists everything', async () => {
    expect((await list(q('%%%'))).items.length).toBe(6)
  })

  it('a deleted product disappears from search at once', async () => {
    const gone = await makeProduct(h, { categoryId: cat.fashion, name: '한정판 이어폰 케이스' })
    expect(names((await list(q('이어폰'))).items)).toContain(gone.name)
    await h.app.inject({ method: 'DELETE', url: `/products/${gone.id}`, headers: h.admin })
    expect(names((await list(q('이어폰'))).items)).not.toContain(gone.name)
  })
})

describe('filters, sorts and facets', () => {
  it('a category filter includes its sub-categories, by id or slug', async () => {
    const byId = names((await list(`category=${cat.electronics}`)).items).sort()
    expect(byId).toEqual(['Bluetooth Speaker', 'Speaker Stand', '무선이어폰 프로', '스마트 워치', '유선 이어폰'].sort())
    expect(names((await list('category=audio')).items).sort()).toEqual(['Bluetooth Speaker', 'Speaker Stand', '무선이어폰 프로', '유선 이어폰'].sort())
    expect((await list('category=no-such-category')).items).toEqual([])
  })

  it('price bounds are inclusive; inStock leaves out what is sold out', async () => {
    expect(names((await list('minPrice=15000&maxPrice=89000&sort=price_asc')).items)).toEqual(['Speaker Stand', 'Bluetooth Speaker', 'Running Shoes'])
    expect(names((await list(`${q('speaker')}&inStock=true`)).items)).not.toContain('Bluetooth Speaker')
  })

  it('sorts by price both ways and by newest', async () => {
    const asc = (await list('sort=price_asc')).items.map((i) => i.price)
    expect(asc).toEqual([...asc].sort((a, b) => a - b))
    const desc = (await list('sort=price_desc')).items.map((i) => i.price)
    expect(desc).toEqual([...asc].reverse())
    expect(names((await list('sort=newest&limit=2')).items)).toEqual(['Running Shoes', '스마트 워치'])
  })

  it.each(['price_asc', 'price_desc', 'newest'])('a sub-tree walked %s in pages of 2 lists each of its products once, in order', async (sort) => {
    const seen: Product[] = []
    let cursor: string | null = null
    do {
      const page: Page = await list(`category=electronics&sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      seen.push(...page.items)
      cursor = page.nextCursor
    } while (cursor)
    const expected = {
      price_asc: ['유선 이어폰', 'Speaker Stand', 'Bluetooth Speaker', '무선이어폰 프로', '스마트 워치'],
      price_desc: ['스마트 워치', '무선이어폰 프로', 'Bluetooth Speaker', 'Speaker Stand', '유선 이어폰'],
      newest: ['스마트 워치', 'Speaker Stand', 'Bluetooth Speaker', '유선 이어폰', '무선이어폰 프로'],
    }[sort]
    expect(names(seen)).toEqual(expected)
  })

  it('items carry stock.available', async () => {
    const item = (await list(q('무선이어폰'))).items[0]
    expect(item.stock).toEqual({ available: 5 })
  })

  it('facets count matches per category for the current filter, on the first page only', async () => {
    const first = await list(`category=electronics&limit=2`)
    expect(first.facets?.exact).toBe(true)
    const counts = Object.fromEntries(first.facets!.categories.map((c) => [c.categoryId, c.count]))
    expect(counts).toEqual({ [cat.earphones]: 2, [cat.audio]: 2, [cat.electronics]: 1 })
    expect((await list(`${q('speaker')}`)).facets?.categories).toEqual(
      expect.arrayContaining([{ categoryId: cat.audio, count: 2 }, { categoryId: cat.fashion, count: 1 }]),
    )
    const second = await list(`category=electronics&limit=2&cursor=${first.nextCursor}`)
    expect(second.facets).toBeUndefined()
  })

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['sort=cheapest', 'sort'],
    ['minPrice=-1', 'minPrice'],
    ['minPrice=10&maxPrice=5', 'minPrice'],
    ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
  ])('%s is 400 validation_failed at %s', async (query, path) => {
    const res = await h.app.inject({ method: 'GET', url: `/products?${query}` })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('validation_failed')
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path)
  })

  it('a cursor from another sort order is 400', async () => {
    const page = await list('sort=price_asc&limit=1')
    const res = await h.app.inject({ method: 'GET', url: `/products?sort=newest&cursor=${page.nextCursor}` })
    expect(res.statusCode).toBe(400)
  })
})

describe('keyset pagination while the catalogue changes', () => {
  it.each(['price_asc', 'price_desc', 'newest', 'relevance'])(
    'walking %s pages while inserting never repeats an item nor skips one that existed at the start',
    async (sort) => {
      const category = await makeCategory(h, `paging-${sort.replace('_', '-')}`)
      const initial = new Set<string>()
      for (let i = 0; i < 30; i++) {
        // Repeated prices and names force ties, which only the id can break.
        const made = await makeProduct(h, { categoryId: category, name: `페이지 item ${i % 4}`, price: 1000 * (i % 5) })
        initial.add(made.id)
      }
      const seen: string[] = []
      let cursor: string | null = null
      let inserted = 0
      do {
        const base = `category=${category}&sort=${sort}&limit=7${sort === 'relevance' ? `&${q('페이지 item')}` : ''}`
        const [page]: [Page, unknown] = await Promise.all([
          list(`${base}${cursor ? `&cursor=${cursor}` : ''}`),
          // Inserted while the page is read, with prices and names that sort all over the page range.
          makeProduct(h, { categoryId: category, name: `페이지 item ${inserted % 4}`, price: 1000 * (inserted++ % 5) + 500 }),
        ])
        seen.push(...page.items.map((i) => i.id))
        cursor = page.nextCursor
      } while (cursor)
      expect(new Set(seen).size).toBe(seen.length)
      for (const id of initial) expect(seen).toContain(id)
    },
  )
})

describe('relevance and facets past their windows', () => {
  let small: ProductHarness
  let category: string
  beforeAll(async () => {
    small = await createHarness({ env: { SEARCH_WINDOW: '8' } })
    category = await makeCategory(small, 'window')
  })
  afterAll(async () => {
    await small?.close()
  })

  const make = (name: string) => makeProduct(small, { categoryId: category, name })

  it.each(['램프', '테이블'])('ranks the newest matches of %s best-first, then lists older matches newest-first', async (term) => {
    const old = await make(`${term} stand 오래된 상품`)
    const oldBest = await make(term)
    for (let i = 0; i < 8; i++) await make(`책상 ${term} ${i}`)
    const best = await make(term)
    const page = await list(`${q(term)}&limit=20`, small.app)
    const ids = page.items.map((i) => i.id)
    expect(ids).toHaveLength(11)
    // In the window of the 8 newest: the exact name first.
    expect(ids[0]).toBe(best.id)
    // Outside it, newest-first whatever the score.
    expect(ids.slice(-2)).toEqual([oldBest.id, old.id])
  })

  // A two-letter term matches word beginnings (search_tsv), a longer one anywhere (search_text): their walks differ.
  it.each(['전등', '스탠드'])('walking relevance pages for %s across the window edge while inserting neither repeats nor skips', async (term) => {
    const initial = new Set<string>()
    for (let i = 0; i < 25; i++) {
      const product = await make(`전등 ${i % 3 === 0 ? '' : '스탠드 '}${i}`)
      if (product.name.includes(term)) initial.add(product.id)
    }
    expect(initial.size).toBeGreaterThan(8)
    const seen: string[] = []
    let cursor: string | null = null
    let n = 0
    do {
      const [page]: [Page, unknown] = await Promise.all([
        list(`${q(term)}&limit=4${cursor ? `&cursor=${cursor}` : ''}`, small.app),
        make(`전등 ${n++ % 2 ? '스탠드 ' : ''}new`),
      ])
      seen.push(...page.items.map((i) => i.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(new Set(seen).size).toBe(seen.length)
    for (const id of initial) expect(seen).toContain(id)
  })

  it.each([
    ['헤드셋', '무선 헤드셋 화이트', '게이밍헤드셋 블랙'],
    ['선반', '원목 선반', '벽걸이 선반장'],
  ])('a whole word %s ranks above the same term inside a word, even when older', async (term, whole, inside) => {
    const older = await make(whole)
    const newer = await make(inside)
    expect((await list(q(term), small.app)).items.map((i) => i.id)).toEqual([older.id, newer.id])
  })

  it('facets over more matches than the window say they are not exact and count the window', async () => {
    for (const query of [`category=${category}`, `category=${category}&${q('전등')}`]) {
      const page = await list(query, small.app)
      expect(page.facets).toEqual({ categories: [{ categoryId: category, count: 8 }], exact: false })
    }
  })
})

describe('inStock follows every stock change', () => {
  let subscriptions: Subscription[] = []
  let category: string
  beforeAll(async () => {
    subscriptions = await subscribeProductEvents(h.deps)
    category = await makeCategory(h, 'stock-follow')
  })
  afterAll(async () => {
    for (const s of subscriptions) await s.stop()
  })

  let n = 0
  /** Whether the product is listed with inStock, by category and by search; both must agree. */
  async function listedInStock(product: Product): Promise<boolean> {
    // A bound that filters nothing gives each request its own listing-cache key.
    const bound = `maxPrice=${10_000_000 + ++n}`
    const [byCategory, bySearch] = await Promise.all([
      list(`category=${category}&inStock=true&${bound}`),
      list(`${q(product.name)}&inStock=true&${bound}`),
    ])
    const inCategory = byCategory.items.some((i) => i.id === product.id)
    expect(bySearch.items.some((i) => i.id === product.id)).toBe(inCategory)
    return inCategory
  }
  const reserve = async (productId: string, quantity: number) => {
    const orderId = randomUUID()
    const payload = { orderId, items: [{ productId, quantity }] }
    const res = await h.app.inject({ method: 'POST', url: '/internal/reservations', headers: h.customer, payload })
    expect(res.statusCode).toBe(201)
    return orderId
  }
  const deliver = async (...events: Parameters<typeof h.bus.publish>[0][]) => {
    for (const e of events) await h.bus.publish(e)
    await h.bus.idle()
  }
  const paid = (orderId: string) =>
    createEvent('payment', 'payment.completed', {
      paymentId: randomUUID(),
      orderId,
      userId: randomUUID(),
      amount: 1000,
      method: 'card',
      approvedAt: new Date().toISOString(),
    })
  const cancelled = (orderId: string, previousStatus: string) =>
    createEvent('order', 'order.cancelled', { orderId, userId: randomUUID(), reason: 'customer_request', previousStatus })
  const setStock = (id: string, onHand: number) =>
    h.app.inject({ method: 'PUT', url: `/products/${id}/stock`, headers: h.admin, payload: { onHand } })

  it('through reserve, release, payment, restock after cancel, expiry, stock counts and product edits', async () => {
    const lamp = await makeProduct(h, { categoryId: category, name: '재고추적 램프', stock: 2 })
    expect(await listedInStock(lamp)).toBe(true)

    const first = await reserve(lamp.id, 2)
    expect(await listedInStock(lamp)).toBe(false)
    await h.app.inject({ method: 'POST', url: `/internal/reservations/${first}/release`, headers: h.customer })
    expect(await listedInStock(lamp)).toBe(true)

    const bought = await reserve(lamp.id, 2)
    await deliver(paid(bought))
    expect(await listedInStock(lamp)).toBe(false)
    await deliver(cancelled(bought, 'PAID'))
    expect(await listedInStock(lamp)).toBe(true)

    const lapsed = await reserve(lamp.id, 2)
    expect(await listedInStock(lamp)).toBe(false)
    await h.db.pool.query("UPDATE reservations SET expires_at = now() - interval '1 second' WHERE order_id = $1", [lapsed])
    expect(await expireReservations(h.ctx)).toBe(1)
    expect(await listedInStock(lamp)).toBe(true)

    expect((await setStock(lamp.id, 0)).statusCode).toBe(200)
    expect(await listedInStock(lamp)).toBe(false)
    expect((await setStock(lamp.id, 3)).statusCode).toBe(200)
    expect(await listedInStock(lamp)).toBe(true)
    const edit = await h.app.inject({ method: 'PUT', url: `/products/${lamp.id}`, headers: h.admin, payload: { stock: 0 } })
    expect(edit.statusCode).toBe(200)
    expect(await listedInStock(lamp)).toBe(false)
  })

  it('a new product is in stock exactly when it is created with stock', async () => {
    const none = await makeProduct(h, { categoryId: category, name: '재고없음 선반' })
    const some = await makeProduct(h, { categoryId: category, name: '재고있음 선반', stock: 2 })
    expect(await listedInStock(none)).toBe(false)
    expect(await listedInStock(some)).toBe(true)
    // Units taken without reaching zero keep it listed; the last one does not.
    await reserve(some.id, 1)
    expect(await listedInStock(some)).toBe(true)
    await reserve(some.id, 1)
    expect(await listedInStock(some)).toBe(false)
  })

  it('a listing page served from the cache carries the stock of now', async () => {
    const mug = await makeProduct(h, { categoryId: category, name: '캐시 머그', price: 7_000_000, stock: 9 })
    const query = `category=${category}&sort=price_desc&limit=50`
    const stockOfMug = async () => (await list(query)).items.find((i) => i.id === mug.id)?.stock.available
    const listingHits = async () => {
      const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body
      return Number(/^product_cache_hits_total\{[^}]*cache="listing"[^}]*\} (\d+)/m.exec(metrics)?.[1] ?? 0)
    }
    expect(await stockOfMug()).toBe(9)
    await reserve(mug.id, 4)
    const hits = await listingHits()
    expect(await stockOfMug()).toBe(5)
    expect(await listingHits()).toBe(hits + 1)
  })

  it('in_stock equals on_hand > reserved (false without an inventory row) for every product afterwards', async () => {
    const { rows } = await h.db.pool.query(
      `SELECT p.id FROM products p LEFT JOIN inventory i ON i.product_id = p.id
       WHERE p.in_stock <> coalesce(i.on_hand > i.reserved, false)`,
    )
    expect(rows).toEqual([])
  })
})
