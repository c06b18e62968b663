import type { AddressInfo } from 'node:net'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildTestGateway, type TestGateway, webDistWith } from './test-gateway.ts'

// /sitemap.xml past what one file may hold: the gateway (with SITEMAP_URLS_PER_FILE=7 in
// place of the protocol's 50,000) reads a real upstream process on loopback that pages its
// catalogue as the product service does (newest first, an opaque cursor, at most `limit`).

const PER_FILE = 7

interface Catalogue {
  app: FastifyInstance
  products: { id: string; updatedAt: string }[]
  categories: { slug: string }[]
  reads: number
}

async function startCatalogue(): Promise<Catalogue> {
  const c: Catalogue = { app: Fastify(), products: [], categories: [], reads: 0 }
  c.app.get('/health', async () => ({ status: 'ok' }))
  c.app.get('/openapi.json', async () => ({ openapi: '3.1.0', info: { title: 'product', version: '1' }, paths: {} }))
  c.app.get('/categories', async () => ({ items: c.categories }))
  c.app.get('/products', async (req) => {
    c.reads++
    const q = req.query as { sort?: string; limit?: string; cursor?: string }
    if (q.sort !== 'newest') throw new Error(`the sitemap reads newest first, not ${q.sort}`)
    const limit = Number(q.limit)
    const from = q.cursor ? Number(Buffer.from(q.cursor, 'base64url').toString()) : 0
    const items = c.products.slice(from, from + limit)
    const next = from + limit < c.products.length ? Buffer.from(String(from + limit)).toString('base64url') : null
    return { items, nextCursor: next }
  })
  await c.app.listen({ host: '127.0.0.1', port: 0 })
  return c
}

const product = (n: number) => ({ id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, updatedAt: `2026-12-0${1 + (n % 5)}T00:00:00.000Z` })
const locs = (xml: string) => [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1])

describe('the sitemap of a catalogue larger than one file', () => {
  let up: Catalogue
  let gateway: TestGateway
  let web: ReturnType<typeof webDistWith>
  let site = 0
  /** Each test asks as its own site (Host), so no plan carries over between tests. */
  let host = ''

  beforeAll(async () => {
    web = webDistWith('export async function render() { return null }')
    up = await startCatalogue()
    gateway = await buildTestGateway({
      upstream: `http://127.0.0.1:${(up.app.server.address() as AddressInfo).port}`,
      env: { SITEMAP_URLS_PER_FILE: String(PER_FILE) },
      webDistDir: web.dir,
    })
  })
  afterAll(async () => {
    await gateway?.close()
    await up?.app.close()
    web?.remove()
  })
  beforeEach(() => {
    host = `site${++site}.example`
    up.categories = [{ slug: 'fashion' }, { slug: 'food & drink' }]
  })

  const get = (path: string) => gateway.app.inject({ method: 'GET', url: path, headers: { host } })
  const origin = () => `http://${host}`

  it('becomes an index of files, none over the limit, that list every product page once, newest first', async () => {
    up.products = Array.from({ length: 25 }, (_, i) => product(i))
    const index = await get('/sitemap.xml')
    expect(index.statusCode).toBe(200)
    expect(index.headers['content-type']).toMatch(/^application\/xml/)
    expect(index.body).toContain('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    const files = locs(index.body)
    expect(files).toEqual([
      `${origin()}/sitemaps/pages.xml`,
      `${origin()}/sitemaps/products-1.xml`,
      `${origin()}/sitemaps/products-2.xml`,
      `${origin()}/sitemaps/products-3.xml`,
      `${origin()}/sitemaps/products-4.xml`,
    ])
    const pages = await get('/sitemaps/pages.xml')
    expect(pages.statusCode).toBe(200)
    expect(locs(pages.body)).toEqual([`${origin()}/`, `${origin()}/categories/fashion`, `${origin()}/categories/food%20%26%20drink`])
    const listed: string[] = []
    for (const n of [1, 2, 3, 4]) {
      const file = await get(`/sitemaps/products-${n}.xml`)
      expect(file.statusCode).toBe(200)
      expect(file.body).toContain('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
      const here = locs(file.body)
      expect(here.length).toBeLessThanOrEqual(PER_FILE)
      listed.push(...here)
    }
    expect(listed).toEqual(up.products.map((p) => `${origin()}/products/${p.id}`))
    expect((await get('/sitemaps/products-1.xml')).body).toContain(`<lastmod>${up.products[0].updatedAt}</lastmod>`)
  })

  it('starts files inside a page of the API and runs them on across pages', async () => {
    // 105 products: the API answers 100 at a time and files hold 7, so files start inside
    // pages and the 15th (products 98 to 104) runs from the first page into the second.
    up.products = Array.from({ length: 105 }, (_, i) => product(i))
    const files = locs((await get('/sitemap.xml')).body).filter((l) => l.includes('/products-'))
    expect(files).toHaveLength(15)
    const listed: string[] = []
    for (const f of files) listed.push(...locs((await get(new URL(f).pathname)).body))
    expect(listed).toEqual(up.products.map((p) => `${origin()}/products/${p.id}`))
  })

  it('stays one file while every URL fits in it, and then has no files of its own', async () => {
    // home + 2 categories + 4 products = 7 URLs: exactly the limit
    up.products = Array.from({ length: 4 }, (_, i) => product(i))
    const one = await get('/sitemap.xml')
    expect(one.body).toContain('<urlset')
    expect(one.body).not.toContain('<sitemapindex')
    expect(locs(one.body)).toHaveLength(7)
    expect((await get('/sitemaps/pages.xml')).statusCode).toBe(404)
    expect((await get('/sitemaps/products-1.xml')).statusCode).toBe(404)
  })

  it('answers 404 for a file the index does not name, and never reads the catalogue for a malformed name', async () => {
    up.products = Array.from({ length: 25 }, (_, i) => product(i))
    expect((await get('/sitemaps/products-4.xml')).statusCode).toBe(200)
    expect((await get('/sitemaps/products-5.xml')).statusCode).toBe(404)
    expect((await get('/sitemaps/products-0.xml')).statusCode).toBe(404)
    const before = up.reads
    for (const name of ['products-1.xml.gz', 'products-01.xml', '..%2Fsitemap.xml', 'products-9999999.xml', 'other.xml']) {
      expect((await get(`/sitemaps/${name}`)).statusCode).toBe(404)
    }
    expect(up.reads).toBe(before)
  })

  it('reads the catalogue once for the index and once per file however many ask at once, and keeps them', async () => {
    up.products = Array.from({ length: 25 }, (_, i) => product(i))
    const before = up.reads
    await Promise.all(Array.from({ length: 5 }, () => get('/sitemap.xml')))
    // 25 products are one page of the API: one read made the plan
    expect(up.reads - before).toBe(1)
    await Promise.all(Array.from({ length: 5 }, () => get('/sitemaps/products-2.xml')))
    expect(up.reads - before).toBe(2)
    await get('/sitemap.xml')
    await get('/sitemaps/products-2.xml')
    expect(up.reads - before).toBe(2)
  })

  it('robots.txt points at /sitemap.xml, index or not', async () => {
    const robots = await get('/robots.txt')
    expect(robots.body).toContain(`Sitemap: ${origin()}/sitemap.xml`)
  })
})
