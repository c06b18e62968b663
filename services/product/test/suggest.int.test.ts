import type { Product, SuggestionList } from '@shop/contracts/product'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SHORT_QUERY_WINDOW } from '../src/data/suggest.repository.ts'
import { createHarness, makeCategory, makeProduct, type ProductHarness } from './helpers.ts'

let h: ProductHarness
const p: Record<string, Product> = {}

beforeAll(async () => {
  h = await createHarness()
  const cat = await makeCategory(h, 'audio')
  p.wireless = await makeProduct(h, { categoryId: cat, name: '무선이어폰 프로', price: 129_000, images: ['https://cdn.example.com/p/1.jpg'] })
  p.wired = await makeProduct(h, { categoryId: cat, name: '유선 이어폰', price: 9_900 })
  p.speaker = await makeProduct(h, { categoryId: cat, name: 'Bluetooth Speaker', description: '이어폰 아님', price: 59_000 })
  p.wide = await makeProduct(h, { categoryId: cat, name: 'ＰＲＯ Ｗｉｄｅ 스탠드', price: 15_000 })
})
afterAll(async () => {
  await h?.close()
})

async function suggest(query: string): Promise<SuggestionList> {
  const res = await h.app.inject({ method: 'GET', url: `/products/suggest?${query}` })
  if (res.statusCode !== 200) throw new Error(`${query}: ${res.statusCode} ${res.body}`)
  return res.json()
}
const names = (l: SuggestionList) => l.items.map((i) => i.name).sort()
const q = (s: string) => `q=${encodeURIComponent(s)}`

describe('GET /products/suggest', () => {
  it('"이어폰" suggests "무선이어폰 프로" (part of a word) and "유선 이어폰", by name only, with id, price and first image', async () => {
    const l = await suggest(q('이어폰'))
    expect(names(l)).toEqual(['무선이어폰 프로', '유선 이어폰'])
    expect(l.items.find((i) => i.id === p.wireless.id)).toEqual({
      id: p.wireless.id,
      name: '무선이어폰 프로',
      price: 129_000,
      image: 'https://cdn.example.com/p/1.jpg',
    })
    expect(l.items.find((i) => i.id === p.wired.id)).toEqual({ id: p.wired.id, name: '유선 이어폰', price: 9_900 })
  })

  it('one or two characters suggest too, Korean or English, whatever the case or width', async () => {
    expect(names(await suggest(q('이')))).toEqual(['무선이어폰 프로', '유선 이어폰'])
    expect(names(await suggest(q('선이')))).toEqual(['무선이어폰 프로'])
    expect(names(await suggest(q('sp')))).toEqual(['Bluetooth Speaker'])
    expect(names(await suggest(q('pro')))).toEqual(['ＰＲＯ Ｗｉｄｅ 스탠드'])
    expect(names(await suggest(q('Ｗ')))).toEqual(['ＰＲＯ Ｗｉｄｅ 스탠드'])
    expect(names(await suggest(q('tooth  SPEA')))).toEqual(['Bluetooth Speaker'])
  })

  it('LIKE wildcards are plain characters, and a query of spaces suggests nothing', async () => {
    expect((await suggest(q('%'))).items).toEqual([])
    expect((await suggest(q('_'))).items).toEqual([])
    expect((await suggest(q('   '))).items).toEqual([])
  })

  it('limit caps the suggestions; an empty q, a limit over 10 or an unknown parameter is 400', async () => {
    expect((await suggest(`${q('이')}&limit=1`)).items).toHaveLength(1)
    for (const bad of ['q=', '', `${q('이')}&limit=11`, `${q('이')}&limit=0`, `${q('이')}&x=1`]) {
      const res = await h.app.inject({ method: 'GET', url: `/products/suggest?${bad}` })
      expect(res.statusCode, bad).toBe(400)
      expect(res.json().code).toBe('validation_failed')
    }
  })

  it('a deleted product is never suggested, at once', async () => {
    const cat = await makeCategory(h, 'gone')
    const doomed = await makeProduct(h, { categoryId: cat, name: '사라질 헤드셋', price: 1000 })
    expect(names(await suggest(q('헤드셋')))).toEqual(['사라질 헤드셋'])
    expect(names(await suggest(q('헤')))).toEqual(['사라질 헤드셋'])
    expect((await h.app.inject({ method: 'DELETE', url: `/products/${doomed.id}`, headers: h.admin })).statusCode).toBe(204)
    expect((await suggest(q('헤드셋'))).items).toEqual([])
    expect((await suggest(q('헤'))).items).toEqual([])
  })

  it(`a short query looks through the newest ${SHORT_QUERY_WINDOW.toLocaleString('en-US')} products; a longer one through all`, async () => {
    // An old product with a rare pair of characters, behind a window of newer ones (inserted by SQL: the API would take minutes).
    const cat = await makeCategory(h, 'bulk')
    const old = await makeProduct(h, { categoryId: cat, name: '옛날 쥬크박스', price: 1000 })
    await h.db.pool.query(`UPDATE products SET created_at = now() - interval '1 year' WHERE id = $1`, [old.id])
    await h.db.pool.query(
      `INSERT INTO products (sku, name, price, category_id) SELECT 'BULK-' || i, '상품 ' || i, 1000, $1 FROM generate_series(1, $2) i`,
      [cat, SHORT_QUERY_WINDOW],
    )
    expect(names(await suggest(q('쥬크박스')))).toEqual(['옛날 쥬크박스'])
    expect((await suggest(q('쥬크'))).items).toEqual([])
  })

  it('is public: no token needed', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/products/suggest?${q('이어폰')}` })
    expect(res.statusCode).toBe(200)
  })
})
