import { randomUUID } from 'node:crypto'
import { CategoryCreateBody, ProductCreateBody } from '@shop/contracts/product'
// Registers the uuid and date-time formats the schemas use.
import '@shop/contracts/validate'
import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import { DEMO_CATEGORIES, DEMO_PRODUCTS, demoImagePath } from '../../scripts/demo/catalogue.ts'

// The demo catalogue's rules: what a new user sees on a fresh shop and what the browser
// journeys rely on (a search for "이어폰" finding products that hold it inside a word,
// sold-out products, prices on both sides of the 50,000원 free-shipping threshold).
const FREE_SHIPPING_FROM = 50_000
const HANGUL = /[\uac00-\ud7a3]/

describe('the demo catalogue', () => {
  it('has at least 6 categories with lowercase ASCII slugs the API accepts, one nested under a parent listed before it', () => {
    expect(DEMO_CATEGORIES.length).toBeGreaterThanOrEqual(6)
    expect(new Set(DEMO_CATEGORIES.map((c) => c.slug)).size).toBe(DEMO_CATEGORIES.length)
    for (const [i, c] of DEMO_CATEGORIES.entries()) {
      expect(Value.Check(CategoryCreateBody, { name: c.name, slug: c.slug }), c.slug).toBe(true)
      expect(c.slug).toMatch(/^[a-z0-9-]+$/)
      expect(c.name).toMatch(HANGUL)
      if (c.parent !== null) expect(DEMO_CATEGORIES.slice(0, i).map((p) => p.slug)).toContain(c.parent)
    }
    expect(DEMO_CATEGORIES.filter((c) => c.parent !== null).length).toBeGreaterThanOrEqual(1)
  })

  it('has 48 products with unique SKUs, each a valid create body in a known category', () => {
    expect(DEMO_PRODUCTS).toHaveLength(48)
    expect(new Set(DEMO_PRODUCTS.map((p) => p.sku)).size).toBe(48)
    const slugs = DEMO_CATEGORIES.map((c) => c.slug)
    for (const p of DEMO_PRODUCTS) {
      expect(slugs, p.sku).toContain(p.category)
      const body = {
        sku: p.sku,
        name: p.name,
        description: p.description,
        price: p.price,
        categoryId: randomUUID(),
        attributes: p.attributes,
        images: [demoImagePath(p.sku)],
        stock: p.stock,
      }
      expect([...Value.Errors(ProductCreateBody, body)].map((e) => `${e.path} ${e.message}`), p.sku).toEqual([])
    }
  })

  it('puts products into every category without children', () => {
    const parents = new Set(DEMO_CATEGORIES.map((c) => c.parent))
    for (const leaf of DEMO_CATEGORIES.filter((c) => !parents.has(c.slug))) {
      expect(DEMO_PRODUCTS.filter((p) => p.category === leaf.slug).length, leaf.slug).toBeGreaterThanOrEqual(3)
    }
  })

  it('has integer KRW prices on both sides of the free-shipping threshold', () => {
    for (const p of DEMO_PRODUCTS) {
      expect(Number.isInteger(p.price), p.sku).toBe(true)
      expect(p.price, p.sku).toBeGreaterThanOrEqual(9_900)
      expect(p.price, p.sku).toBeLessThanOrEqual(189_000)
    }
    expect(DEMO_PRODUCTS.filter((p) => p.price < FREE_SHIPPING_FROM).length).toBeGreaterThanOrEqual(12)
    expect(DEMO_PRODUCTS.filter((p) => p.price >= FREE_SHIPPING_FROM).length).toBeGreaterThanOrEqual(12)
  })

  it('has at least 3 sold-out products and mostly 20 to 200 in stock', () => {
    expect(DEMO_PRODUCTS.filter((p) => p.stock === 0).length).toBeGreaterThanOrEqual(3)
    expect(DEMO_PRODUCTS.filter((p) => p.stock >= 20 && p.stock <= 200).length).toBeGreaterThanOrEqual(40)
    for (const p of DEMO_PRODUCTS) expect(Number.isInteger(p.stock) && p.stock >= 0, p.sku).toBe(true)
  })

  it('names and describes every product in Korean, in 2 to 4 sentences, with Korean attributes', () => {
    for (const p of DEMO_PRODUCTS) {
      expect(p.name, p.sku).toMatch(HANGUL)
      expect(p.label, p.sku).toMatch(HANGUL)
      expect([...p.label].length, p.sku).toBeLessThanOrEqual(10)
      const sentences = p.description.split(/(?<=[.!?])\s+/).filter((s) => s.trim())
      expect(sentences.length, p.sku).toBeGreaterThanOrEqual(2)
      expect(sentences.length, p.sku).toBeLessThanOrEqual(4)
      for (const s of sentences) expect(s, p.sku).toMatch(HANGUL)
      expect(Object.keys(p.attributes).length, p.sku).toBeGreaterThanOrEqual(3)
      for (const key of Object.keys(p.attributes)) expect(key, p.sku).toMatch(HANGUL)
      expect(Object.keys(p.attributes).some((k) => k === '브랜드' || k === '원산지'), p.sku).toBe(true)
    }
  })

  it('has products whose names hold "이어폰" inside a longer word, as the search journey needs', () => {
    const inside = DEMO_PRODUCTS.filter((p) => /[^\s]이어폰|이어폰[^\s]/.test(p.name))
    expect(inside.map((p) => p.name)).toEqual(expect.arrayContaining(['소리담 무선이어폰 프로', '오픈형 스포츠 블루투스이어폰']))
    expect(inside.some((p) => p.stock > 0 && p.price < FREE_SHIPPING_FROM)).toBe(true)
  })
})
