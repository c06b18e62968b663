import { createShopClient, isApiError, type ShopClient } from '@shop/client'
import { dehydrate, type QueryClient } from '@tanstack/react-query'
import { renderToString } from 'react-dom/server'
import { StaticRouter } from 'react-router'
import { timelessState } from './api/page-state.ts'
import { createQueryClient } from './api/shop.tsx'
import { ko } from '@shop/storefront-core/ko'
import { Root } from './root.tsx'
import { categoriesQuery, listingParams, listingQuery, productQuery } from './store/catalog/api.ts'
import { homeShelves, shelfQuery } from './store/catalog/home-page.tsx'
import { listingHead } from './store/catalog/listing-page.tsx'
import { productHead } from './store/catalog/product-head.ts'

export interface RenderResult {
  status: number
  html: string
  head: string
  state: string
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
/** JSON inside a <script> element: nothing in it may close the element or open a comment. */
export const jsonForScript = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')

function headTags(h: { title: string; description: string; canonical: string; image?: string; jsonLd?: unknown; noindex?: boolean }): string {
  const tags = [
    `<title>${esc(h.title)}</title>`,
    `<meta name="description" content="${esc(h.description)}" />`,
    `<link rel="canonical" href="${esc(h.canonical)}" />`,
    `<meta property="og:title" content="${esc(h.title)}" />`,
    `<meta property="og:description" content="${esc(h.description)}" />`,
    `<meta property="og:type" content="${h.jsonLd ? 'product' : 'website'}" />`,
    `<meta property="og:url" content="${esc(h.canonical)}" />`,
    `<meta property="og:locale" content="ko_KR" />`,
  ]
  if (h.image) tags.push(`<meta property="og:image" content="${esc(h.image)}" />`)
  if (h.noindex) tags.push('<meta name="robots" content="noindex" />')
  if (h.jsonLd) tags.push(`<script type="application/ld+json">${jsonForScript(h.jsonLd)}</script>`)
  return tags.join('\n    ')
}

/** The data a public page shows, fetched with the page's own queries; null for a page rendered in the browser only. */
async function prefetch(url: URL, client: ShopClient, qc: QueryClient, origin: string) {
  const path = url.pathname
  const canonical = new URL(path, origin).href
  const product = path.match(/^\/products\/([^/]+)$/)
  if (product) {
    // the two reads at once: a render waited for by every request for the page is no longer than its slower read
    const categories = qc.prefetchQuery(categoriesQuery(client))
    try {
      const p = await qc.fetchQuery(productQuery(client, decodeURIComponent(product[1]))).finally(() => categories)
      const h = productHead(p, origin)
      return { status: 200, head: { ...h, canonical } }
    } catch (err) {
      if (isApiError(err, 'not_found') || isApiError(err, 'validation_failed')) {
        return { status: 404, head: { title: `${ko.product.notFound} | ${ko.shopName}`, description: ko.product.notFoundHint, canonical, noindex: true } }
      }
      throw err
    }
  }
  const category = path.match(/^\/categories\/([^/]+)$/)
  if (category || path === '/search') {
    const cats = await qc.fetchQuery(categoriesQuery(client))
    const slug = category ? decodeURIComponent(category[1]) : (url.searchParams.get('category') ?? undefined)
    const cat = cats.items.find((c) => c.slug === slug)
    if (category && !cat) return { status: 404, head: { title: `${ko.common.notFoundTitle} | ${ko.shopName}`, description: ko.common.notFoundHint, canonical, noindex: true } }
    await qc.prefetchInfiniteQuery(listingQuery(client, listingParams(url.searchParams, slug)))
    const h = listingHead({ q: url.searchParams.get('q')?.trim() || undefined, categoryName: cat?.name })
    return { status: 200, head: { title: `${h.title} | ${ko.shopName}`, description: h.description, canonical, noindex: path === '/search' } }
  }
  if (path === '/') {
    const cats = await qc.fetchQuery(categoriesQuery(client))
    await Promise.all(homeShelves(cats.items).map((s) => qc.prefetchQuery(shelfQuery(client, s))))
    return { status: 200, head: { title: ko.home.title, description: ko.home.description, canonical } }
  }
  if (BROWSER_PAGES.some((re) => re.test(path))) return null
  // no page here: a real 404, with the shop around it
  await qc.prefetchQuery(categoriesQuery(client))
  return { status: 404, head: { title: `${ko.common.notFoundTitle} | ${ko.shopName}`, description: ko.common.notFoundHint, canonical, noindex: true } }
}

/** Pages of one shopper (or of the admin): rendered in the browser, which holds the session. */
const BROWSER_PAGES = [/^\/cart$/, /^\/checkout$/, /^\/orders$/, /^\/orders\/[^/]+$/, /^\/tracking\/[^/]+$/, /^\/login$/, /^\/signup$/, /^\/account$/, /^\/admin(\/.*)?$/]

/**
 * Renders a public page (home, listing, search, product) with its data, for the gateway.
 * `fetchImpl` reaches the shop's own public API; `origin` is the site's public origin.
 * Answers null for pages that render in the browser only (cart, checkout, account...).
 * The page's markup depends on nothing but the URL, the origin and the answers `fetchImpl`
 * gave, all read before it is built: `reuseMarkup`, when given, is called with the markup's
 * builder once they are in, and may answer the markup it built earlier from the same
 * answers instead of building it again (the head and the dehydrated state are made afresh
 * every time; neither carries when it was made, so the same answers give the same page).
 */
export async function render(
  rawUrl: string,
  fetchImpl: typeof fetch,
  origin: string,
  reuseMarkup: (build: () => string) => string = (build) => build(),
): Promise<RenderResult | null> {
  const url = new URL(rawUrl, origin)
  const client = createShopClient({ baseUrl: origin, fetch: fetchImpl, retries: 0 })
  const qc = createQueryClient()
  const page = await prefetch(url, client, qc, origin)
  if (!page) return null
  const html = reuseMarkup(() =>
    renderToString(
      <StaticRouter location={url.pathname + url.search}>
        <Root client={client} queryClient={qc} />
      </StaticRouter>,
    ),
  )
  // Only successful answers travel to the browser; it asks again for anything that failed. The
  // same answers make the same bytes (no read times in them), so an unchanged page is not
  // compressed again when the gateway renews its copy.
  const state = timelessState(dehydrate(qc, { shouldDehydrateQuery: (q) => q.state.status === 'success' }))
  return { status: page.status, html, head: headTags(page.head), state: jsonForScript(state) }
}
