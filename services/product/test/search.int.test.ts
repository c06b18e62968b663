import type { Product } from '@shop/contracts/product'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

  it('ranks the newest matches best-first, then lists older matches newest-first', async () => {
    const old = await make('램프 stand 오래된 상품')
    const oldBest = await make('램프')
    for (let i = 0; i < 8; i++) await make(`책상 램프 ${i}`)
    const best = await make('램프')
    const page = await list(`${q('램프')}&limit=20`, small.app)
    const ids = page.items.map((i) => i.id)
    expect(ids).toHaveLength(11)
    // In the window of the 8 newest: the exact name first.
    expect(ids[0]).toBe(best.id)
    // Outside it, newest-first whatever the score.
    expect(ids.slice(-2)).toEqual([oldBest.id, old.id])
  })

  it('walking relevance pages across the window edge while inserting neither repeats nor skips', async () => {
    const initial = new Set<string>()
    for (let i = 0; i < 25; i++) initial.add((await make(`전등 ${i % 3 === 0 ? '' : '스탠드 '}${i}`)).id)
    const seen: string[] = []
    let cursor: string | null = null
    let n = 0
    do {
      const [page]: [Page, unknown] = await Promise.all([
        list(`${q('전등')}&limit=4${cursor ? `&cursor=${cursor}` : ''}`, small.app),
        make(`전등 ${n++ % 2 ? '스탠드 ' : ''}new`),
      ])
      seen.push(...page.items.map((i) => i.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(new Set(seen).size).toBe(seen.length)
    for (const id of initial) expect(seen).toContain(id)
  })

  it('facets over more matches than the window say they are not exact and count the window', async () => {
    for (const query of [`category=${category}`, `category=${category}&${q('전등')}`]) {
      const page = await list(query, small.app)
      expect(page.facets).toEqual({ categories: [{ categoryId: category, count: 8 }], exact: false })
    }
  })
})
