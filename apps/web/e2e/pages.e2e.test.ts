import type { Product, ShopClient } from '@shop/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Shop } from '../../../test/e2e/shop.ts'
import { startDemoShop } from './shop-fixture.ts'

let shop: Shop
let admin: ShopClient
let products: Product[]

beforeAll(async () => {
  ;({ shop, admin } = await startDemoShop())
  products = (await admin.products.list({ limit: 100 })).items
}, 180_000)

afterAll(async () => {
  await shop?.stop()
})

const get = (path: string) => fetch(`${shop.gatewayUrl}${path}`, { redirect: 'manual' })
const jsonLd = (html: string) => JSON.parse(html.match(/<script type="application\/ld\+json">([^<]*)<\/script>/)![1])

describe('pages as a search engine or link preview sees them, without JavaScript', () => {
  it('a product page carries its name as h1, price, description, title, meta description and JSON-LD Product in the HTML', async () => {
    const p = products.find((x) => x.stock.available > 0)!
    const res = await get(`/products/${p.id}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await res.text()
    expect(html).toContain(`<h1>${p.name}</h1>`)
    expect(html).toContain(`${p.price.toLocaleString('en-US')}원`)
    expect(html).toMatch(new RegExp(`<title>${p.name.replace(/[()[\]]/g, '\\$&')} \\| 한빛마켓</title>`))
    expect(html).toMatch(/<meta name="description" content="[^"]+"/)
    const ld = jsonLd(html)
    expect(ld).toMatchObject({ '@type': 'Product', name: p.name, sku: p.sku, offers: { price: p.price, priceCurrency: 'KRW', availability: 'https://schema.org/InStock' } })
    // the page's data travels as JSON for hydration, not as script
    expect(html).toMatch(/<script type="application\/json" id="shop-state">/)
  })

  it('a sold-out product says so in its JSON-LD and on the page', async () => {
    const p = products.find((x) => x.stock.available === 0)!
    const html = await (await get(`/products/${p.id}`)).text()
    expect(jsonLd(html).offers.availability).toBe('https://schema.org/OutOfStock')
    expect(html).toContain('품절')
  })

  it('an unknown or deleted product is a real 404 page, not a 200 shell', async () => {
    const res = await get('/products/00000000-0000-4000-8000-000000000000')
    expect(res.status).toBe(404)
    const html = await res.text()
    expect(html).toContain('상품을 찾을 수 없습니다')
    expect(html).toContain('<meta name="robots" content="noindex" />')
    const doomed = await admin.products.create({ sku: `GONE-${Date.now()}`, name: '곧 사라질 상품', description: '삭제 테스트', price: 1000, categoryId: products[0].categoryId })
    expect((await get(`/products/${doomed.id}`)).status).toBe(200)
    await admin.products.remove(doomed.id)
    expect((await get(`/products/${doomed.id}`)).status).toBe(404)
    expect((await get('/no-such-page')).status).toBe(404)
  })

  it('a category listing carries its products in the HTML', async () => {
    const cats = (await admin.categories.list()).items
    const withProducts = cats.find((c) => products.some((p) => p.categoryId === c.id))!
    const html = await (await get(`/categories/${withProducts.slug}`)).text()
    expect(html).toContain(`<h1>${withProducts.name}</h1>`)
    for (const p of products.filter((x) => x.categoryId === withProducts.id).slice(0, 3)) expect(html).toContain(p.name)
    expect((await get('/categories/no-such-category')).status).toBe(404)
  })

  it('the sitemap lists every product page and robots.txt points to it', async () => {
    const xml = await (await get('/sitemap.xml')).text()
    const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1])
    for (const p of products) expect(locs).toContain(`${shop.gatewayUrl.replace('127.0.0.1', '127.0.0.1')}/products/${p.id}`)
    expect(locs.filter((l) => l.includes('/products/'))).toHaveLength(products.length)
    const robots = await (await get('/robots.txt')).text()
    expect(robots).toContain(`Sitemap: ${shop.gatewayUrl}/sitemap.xml`)
    expect(robots).toContain('Disallow: /admin')
  })
})

describe('how pages and assets are served', () => {
  it('a product page is kept rendered while its data holds, and a merchant\'s edit shows on the very next request', async () => {
    const p = products.find((x) => x.stock.available > 0 && x.id !== products[0].id)!
    const first = await get(`/products/${p.id}`)
    await first.text()
    const again = await get(`/products/${p.id}`)
    expect(again.headers.get('x-cache')).toBe('HIT')
    expect(again.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    const newPrice = p.price + 1000
    await admin.products.update(p.id, { price: newPrice, name: `${p.name} (리뉴얼)` })
    const after = await get(`/products/${p.id}`)
    expect(after.headers.get('x-cache')).toBe('MISS')
    const html = await after.text()
    expect(html).toContain(`<h1>${p.name} (리뉴얼)</h1>`)
    expect(html).toContain(`${newPrice.toLocaleString('en-US')}원`)
  })

  it('a page rendered again from unchanged data is the same bytes: it carries no time it was read', async () => {
    const p = products.find((x) => x.stock.available > 0 && x.id !== products[0].id && x.id !== products[1].id)!
    const first = await (await get(`/products/${p.id}`)).text()
    expect(first).toContain('id="shop-state"')
    // past the copy's life (a product page lives as long as its stock read, a second at most)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const later = await get(`/products/${p.id}`)
    expect(await later.text()).toBe(first)
  })

  it('every page has a strict Content-Security-Policy, no framing, a referrer policy and nosniff, and is never cached', async () => {
    for (const path of ['/', `/products/${products[0].id}`, '/cart', '/checkout', '/no-such-page']) {
      const res = await get(path)
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp, path).toContain("script-src 'self'")
      expect(csp, path).toContain("style-src 'self'")
      expect(csp, path).toContain("frame-ancestors 'none'")
      expect(csp, path).not.toMatch(/unsafe-(eval|inline)/)
      expect(res.headers.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin')
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff')
      expect(res.headers.get('cache-control'), path).toBe('no-cache')
      // no inline script that would need 'unsafe-inline': only src= scripts and JSON data blocks
      const html = await res.text()
      for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag, path).toMatch(/src="|type="application\/(ld\+)?json"/)
    }
  })

  it('hashed assets are cached for a year as immutable; other static files for an hour', async () => {
    const html = await (await get('/')).text()
    const asset = html.match(/src="(\/assets\/[^"]+\.js)"/)![1]
    const res = await get(asset)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect((await get('/favicon.svg')).headers.get('cache-control')).toBe('public, max-age=3600')
    expect((await get(products[0].images[0])).headers.get('content-type')).toMatch(/^image\/svg\+xml/)
  })

  it('scripts and pages go compressed to a client that takes it (compressed once: at build time, or once per kept page), the same bytes once decoded', async () => {
    const html = await (await get('/')).text()
    const asset = html.match(/src="(\/assets\/[^"]+\.js)"/)![1]
    // fetch decodes by itself: the header says what travelled, the text is what it decoded to
    const plain = await fetch(`${shop.gatewayUrl}${asset}`, { headers: { 'accept-encoding': 'identity' } })
    expect(plain.headers.get('content-encoding')).toBeNull()
    const script = await plain.text()
    for (const [accept, coding] of [['gzip, deflate, br, zstd', 'br'], ['gzip', 'gzip']]) {
      const res = await fetch(`${shop.gatewayUrl}${asset}`, { headers: { 'accept-encoding': accept } })
      expect(res.headers.get('content-encoding'), accept).toBe(coding)
      expect(res.headers.get('vary'), accept).toMatch(/accept-encoding/i)
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      expect(await res.text(), accept).toBe(script)
    }
    const page = `/products/${products[0].id}`
    const plainPage = await (await fetch(`${shop.gatewayUrl}${page}`, { headers: { 'accept-encoding': 'identity' } })).text()
    const brPage = await fetch(`${shop.gatewayUrl}${page}`, { headers: { 'accept-encoding': 'br' } })
    expect(brPage.headers.get('content-encoding')).toBe('br')
    expect(await brPage.text()).toBe(plainPage)
    // the compressed copies are not pages of their own
    expect((await get(`${asset}.br`)).status).toBe(404)
  })

  it('the API keeps answering problems under /v1, never a page', async () => {
    const res = await get('/v1/no-such-route')
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect((await get('/index.html')).status).toBe(404)
  })

  it("a shopper's own pages come as the app's shell, rendered in the browser", async () => {
    const res = await get('/checkout')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<div id="root"></div>')
    expect(html).not.toContain('id="shop-state"')
  })
})
