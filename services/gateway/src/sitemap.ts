import type { FastifyRequest } from 'fastify'

/** The most URLs one sitemap file may hold (sitemaps.org), and the default size of each. */
export const MAX_URLS_PER_FILE = 50_000
const TTL_MS = 10 * 60_000
/** Product files kept built at once (each up to a few MB); the plan of every origin is kept besides. */
const PARTS_KEPT = 4
/** Origins whose plan is kept at once. */
const ORIGINS_KEPT = 16
/** Products asked of the public API per page. */
const PAGE_LIMIT = 100

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

interface Url {
  loc: string
  lastmod?: string
}

const urlset = (urls: Url[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls
    .map((u) => `  <url><loc>${xmlEscape(u.loc)}</loc>${u.lastmod ? `<lastmod>${u.lastmod}</lastmod>` : ''}</url>`)
    .join('\n')}\n</urlset>\n`

const sitemapindex = (locs: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${locs
    .map((loc) => `  <sitemap><loc>${xmlEscape(loc)}</loc></sitemap>`)
    .join('\n')}\n</sitemapindex>\n`

/** Where a file of products begins: the cursor of the API page holding its first product, and how many of that page come before it. */
interface PartStart {
  cursor: string | null
  skip: number
}

/**
 * Values made at most once per key and kept for TTL_MS (a failure is forgotten at once), the
 * oldest dropped past `max` keys: however many ask at once, one build runs.
 */
function keptFor<T>(max: number): (key: string, make: () => Promise<T>) => Promise<T> {
  const kept = new Map<string, { at: number; value: Promise<T> }>()
  return (key, make) => {
    const hit = kept.get(key)
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value
    kept.delete(key)
    if (kept.size >= max) kept.delete(kept.keys().next().value!)
    const value = make()
    kept.set(key, { at: Date.now(), value })
    value.catch(() => {
      if (kept.get(key)?.value === value) kept.delete(key)
    })
    return value
  }
}

/**
 * What /sitemap.xml is for one origin: one file of every URL while they fit, else an index
 * of `pages.xml` (home and categories) and `products-<n>.xml`, each a run of the catalogue
 * from where the walk that made the plan found it.
 */
type Plan = { kind: 'single'; xml: string } | { kind: 'index'; xml: string; pages: string; parts: PartStart[] }

type ProductPage = { items: { id: string; updatedAt: string }[]; nextCursor: string | null }

export interface Sitemap {
  /** /sitemap.xml: every URL in one file, or the index of the files that list them. */
  sitemap(req: FastifyRequest): Promise<string>
  /** /sitemaps/<name> (`pages.xml`, `products-<n>.xml`), or null when the index has no such file. */
  part(req: FastifyRequest, name: string): Promise<string | null>
}

/**
 * The sitemap: the home page, every category and every product page, read through the
 * public API page by page (what it lists is what a visitor can open), kept for ten minutes
 * and built once however many ask at once. Past `urlsPerFile` URLs (50,000, the protocol's
 * limit, by default) /sitemap.xml becomes an index: the walk that plans it keeps only where
 * each file of products starts, so memory holds one file at most, and each file is read
 * again from its start when asked for. Products added or removed between the plan and a
 * file's read shift that file's run by as many; the next plan, at most ten minutes later,
 * lists them where they are. pages.xml holds at most `urlsPerFile` categories.
 */
export function createSitemap(
  fetchFor: (req: FastifyRequest) => typeof fetch,
  originOf: (req: FastifyRequest) => string,
  opts: { urlsPerFile?: number } = {},
): Sitemap {
  const perFile = opts.urlsPerFile ?? MAX_URLS_PER_FILE
  if (!Number.isInteger(perFile) || perFile < 1 || perFile > MAX_URLS_PER_FILE) {
    throw new Error(`sitemap files hold 1 to ${MAX_URLS_PER_FILE} URLs, not ${perFile}`)
  }
  // Bounded: without PUBLIC_ORIGIN the origin comes from the request's Host.
  const plans = keptFor<Plan>(ORIGINS_KEPT)
  const parts = keptFor<string>(PARTS_KEPT)

  const reader = (req: FastifyRequest) => {
    const origin = originOf(req)
    const get = async <T>(path: string): Promise<T> => {
      const res = await fetchFor(req)(`${origin}${path}`)
      if (!res.ok) throw new Error(`${path}: ${res.status}`)
      return (await res.json()) as T
    }
    const products = (cursor: string | null) =>
      get<ProductPage>(`/v1/products?sort=newest&limit=${PAGE_LIMIT}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
    const productUrl = (p: { id: string; updatedAt: string }): Url => ({ loc: `${origin}/products/${p.id}`, lastmod: p.updatedAt })
    return { origin, get, products, productUrl }
  }

  async function plan(req: FastifyRequest): Promise<Plan> {
    const { origin, get, products, productUrl } = reader(req)
    const pages: Url[] = [{ loc: `${origin}/` }]
    const cats = await get<{ items: { slug: string }[] }>('/v1/categories')
    for (const c of cats.items) pages.push({ loc: `${origin}/categories/${encodeURIComponent(c.slug)}` })
    // The product URLs are kept only while everything may still fit in one file.
    let single: Url[] | null = [...pages]
    const starts: PartStart[] = [{ cursor: null, skip: 0 }]
    let inPart = 0
    let cursor: string | null = null
    do {
      const page: ProductPage = await products(cursor)
      page.items.forEach((p, i) => {
        if (inPart === perFile) {
          starts.push({ cursor, skip: i })
          inPart = 0
        }
        inPart++
        if (single && single.length < perFile) single.push(productUrl(p))
        else single = null
      })
      cursor = page.nextCursor
    } while (cursor)
    if (single && single.length <= perFile) return { kind: 'single', xml: urlset(single) }
    const locs = [`${origin}/sitemaps/pages.xml`, ...starts.map((_, n) => `${origin}/sitemaps/products-${n + 1}.xml`)]
    return { kind: 'index', xml: sitemapindex(locs), pages: urlset(pages.slice(0, perFile)), parts: starts }
  }

  async function productsFile(req: FastifyRequest, start: PartStart): Promise<string> {
    const { products, productUrl } = reader(req)
    const urls: Url[] = []
    let cursor = start.cursor
    let skip = start.skip
    do {
      const page: ProductPage = await products(cursor)
      for (const p of page.items.slice(skip)) if (urls.length < perFile) urls.push(productUrl(p))
      skip = 0
      cursor = page.nextCursor
    } while (cursor && urls.length < perFile)
    return urlset(urls)
  }

  const planFor = (req: FastifyRequest) => plans(originOf(req), () => plan(req))

  return {
    async sitemap(req) {
      return (await planFor(req)).xml
    },
    async part(req, name) {
      const m = /^(?:pages|products-([1-9]\d{0,5}))\.xml$/.exec(name)
      if (!m) return null
      const p = await planFor(req)
      if (p.kind !== 'index') return null
      if (!m[1]) return p.pages
      const start = p.parts[Number(m[1]) - 1]
      if (!start) return null
      // A file is keyed by where it starts, so a new plan's files are never answered from an old one's.
      const key = `${originOf(req)} ${start.cursor ?? ''} ${start.skip}`
      return parts(key, () => productsFile(req, start))
    },
  }
}
