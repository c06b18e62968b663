import type { FastifyRequest } from 'fastify'

/** More URLs than one sitemap file may hold (sitemaps.org); past it the list stops, newest first. */
const MAX_URLS = 50_000
const TTL_MS = 10 * 60_000

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/**
 * /sitemap.xml: the home page, every category and every product page, read through the
 * public API page by page, kept for ten minutes and built once however many ask at once.
 */
export function createSitemap(fetchFor: (req: FastifyRequest) => typeof fetch, originOf: (req: FastifyRequest) => string) {
  const cache = new Map<string, { at: number; xml: Promise<string> }>()
  async function build(req: FastifyRequest): Promise<string> {
    const origin = originOf(req)
    const get = async <T>(path: string): Promise<T> => {
      const res = await fetchFor(req)(`${origin}${path}`)
      if (!res.ok) throw new Error(`${path}: ${res.status}`)
      return (await res.json()) as T
    }
    const urls: { loc: string; lastmod?: string }[] = [{ loc: `${origin}/` }]
    const cats = await get<{ items: { slug: string }[] }>('/v1/categories')
    for (const c of cats.items) urls.push({ loc: `${origin}/categories/${encodeURIComponent(c.slug)}` })
    let cursor: string | null = null
    do {
      const page: { items: { id: string; updatedAt: string }[]; nextCursor: string | null } = await get(
        `/v1/products?sort=newest&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      )
      for (const p of page.items) urls.push({ loc: `${origin}/products/${p.id}`, lastmod: p.updatedAt })
      cursor = page.nextCursor
    } while (cursor && urls.length < MAX_URLS)
    const body = urls
      .slice(0, MAX_URLS)
      .map((u) => `  <url><loc>${xmlEscape(u.loc)}</loc>${u.lastmod ? `<lastmod>${u.lastmod}</lastmod>` : ''}</url>`)
      .join('\n')
    return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${body}\n</urlset>\n`
  }
  return (req: FastifyRequest): Promise<string> => {
    const origin = originOf(req)
    const hit = cache.get(origin)
    if (hit && Date.now() - hit.at < TTL_MS) return hit.xml
    const xml = build(req)
    cache.set(origin, { at: Date.now(), xml })
    xml.catch(() => cache.delete(origin))
    return xml
  }
}
