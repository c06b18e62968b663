import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { Logger } from '@shop/platform/logger'
import { performance } from 'node:perf_hooks'
import { edgeCacheHeaders } from '@shop/platform/edge-cache'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { EdgeCache } from './edge-cache.ts'
import { encode, MIN_ENCODED_BYTES, preferredCoding } from './encoding.ts'
import { createSitemap } from './sitemap.ts'

/** The web app's server renderer (apps/web/src/entry-server.tsx, built into dist/server). */
interface Renderer {
  render(
    url: string,
    fetchImpl: typeof fetch,
    origin: string,
    reuseMarkup?: (build: () => string) => string,
  ): Promise<{ status: number; html: string; head: string; state: string } | null>
}

/**
 * What every page of the web app is served with: scripts and styles from the shop's own
 * origin only (the server's JSON state and JSON-LD are data, not script), no framing.
 */
export const PAGE_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; font-src 'self'; connect-src 'self'; " +
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
}

/** Paths owned by the gateway itself or the API: never answered with a page. */
const NOT_PAGES = /^\/(v1|docs|health|metrics|openapi\.json)(\/|$)/

export interface WebOptions {
  distDir: string
  logger: Logger
  /** The site's public origin for canonical URLs and the sitemap; by default the request's own. */
  publicOrigin?: string
  /** URLs per sitemap file (at most 50,000); past it /sitemap.xml is an index of files. */
  sitemapUrlsPerFile?: number
  /** The gateway's edge cache: a rendered page is kept there while every API answer it was built from is. */
  edge?: EdgeCache
}

/** The API answers a render read, and whether each is held by the edge cache (so the page can be). */
interface Reads {
  validators: Record<string, string>
  expiresAt: number
  cacheable: boolean
  /** A digest of each request the render made with the answer it got (in the order they came). */
  answers: string[]
}

/**
 * A page's markup (React's renderToString, most of a render's CPU) is kept for this many
 * pages, each with a digest of the answers it was built from: a page renewed because its
 * copy's time ran out (a product read lives at most a second, for its stock) while its data
 * did not change is not built again.
 */
const MARKUPS_KEPT = 1000

/**
 * A page asked for during its copy's life is rendered again at this share of that life, in the
 * background, while the copy still answers. Pages live as long as the answers they show (a
 * product page a second at most, for its stock): renewed on the first hit past half its life,
 * a page read in waves (many clients walking the same pages in step) was often not hit in that
 * window, expired, and then every request of the next wave waited for its render; and each
 * page was rendered twice a second.
 */
const RENEW_AT_SHARE = 0.75

/**
 * Serves the web app: hashed assets cached for a year, other static files for an hour,
 * and every page as HTML that is never cached. Public pages (home, listings, products)
 * are rendered on the server with their data, through the gateway's own public API.
 */
export async function registerWebApp(app: FastifyInstance, opts: WebOptions): Promise<boolean> {
  const client = join(opts.distDir, 'client')
  const template = join(client, 'index.html')
  const server = join(opts.distDir, 'server', 'entry-server.js')
  if (!existsSync(template) || !existsSync(server)) {
    opts.logger.warn({ distDir: opts.distDir }, 'web app not built: pages are not served (npm start builds it)')
    return false
  }
  const html = readFileSync(template, 'utf8')
  const renderer = (await import(pathToFileURL(server).href)) as Renderer

  await app.register(async (assets) => {
    // @fastify/static picks a precompressed copy by Accept-Encoding without saying so to caches
    assets.addHook('onRequest', (_req, reply, done) => {
      const vary = reply.getHeader('vary')
      reply.header('vary', vary ? `${String(vary)}, accept-encoding` : 'accept-encoding')
      done()
    })
    await assets.register(fastifyStatic, {
      root: client,
      prefix: '/',
      // one route per file found now, leaving every other path to the page handler
      wildcard: false,
      index: false,
      // our own Cache-Control below, not the plugin's max-age=0
      cacheControl: false,
      // the build's brotli and gzip copies of text assets (scripts/web-build.ts) to clients that take them
      preCompressed: true,
      allowedPath: (path) => !path.startsWith('/.vite') && path !== '/index.html' && !/\.(br|gz)$/.test(path),
      setHeaders(res, path) {
        res.setHeader('x-content-type-options', 'nosniff')
        res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=3600')
      },
    })
  })

  const originOf = (req: FastifyRequest) => opts.publicOrigin ?? `${req.protocol}://${req.host}`
  // The renderer reaches the public API in-process, as the client would, with the client's address.
  const fetchFor = (req: { ip: string }, reads?: Reads): typeof fetch =>
    (async (input: RequestInfo | URL, init?: RequestInit) => {
      const r = input instanceof Request ? input : new Request(input, init)
      const u = new URL(r.url)
      const url = u.pathname + u.search
      const body = r.method === 'GET' || r.method === 'HEAD' ? undefined : await r.text()
      const ask = () => app.inject({ method: r.method as 'GET', url, headers: Object.fromEntries(r.headers), payload: body, remoteAddress: req.ip })
      let res = await ask()
      if (reads) {
        // A copy past half its life has just been sent for renewal by this read: a page built on
        // it would have to be built again as soon as it ran out, so the render reads the new one.
        const key = edge?.keyFor({ method: r.method, url, headers: {} })
        const renewing = key !== undefined && edge?.policyOf(key)?.refreshDue ? edge.fillUnderWay(key) : undefined
        if (renewing) {
          await renewing
          res = await ask()
        }
        noteRead(reads, r.method, url, res.statusCode, res.headers['retry-after'], res.rawPayload)
      }
      return new Response(res.statusCode === 204 ? null : new Uint8Array(res.rawPayload), {
        status: res.statusCode,
        headers: res.headers as Record<string, string>,
      })
    }) as typeof fetch

  const edge = opts.edge
  function noteRead(reads: Reads, method: string, url: string, status: number, retryAfter: unknown, body: Buffer) {
    // what the client reads of an answer: its status, its body and (in an error) when to try again
    reads.answers.push(createHash('sha256').update(`${method} ${url} ${status} ${String(retryAfter ?? '')} ${body.length}\n`).update(body).digest('base64'))
    const key = edge?.keyFor({ method, url, headers: {} })
    const policy = key && status === 200 ? edge?.policyOf(key) : undefined
    // The copy held now must be the one that answered (not one a renewal stored since), or
    // the page would carry the new copy's validators over the old copy's data.
    if (!policy || !policy.body.equals(body)) {
      reads.cacheable = false
      return
    }
    Object.assign(reads.validators, policy.validators)
    reads.expiresAt = Math.min(reads.expiresAt, policy.expiresAt)
  }

  const page = (head: string, body: string, state: string) =>
    html
      .replace('<!--app-head-->', head)
      .replace('<!--app-html-->', body)
      .replace('<!--app-state-->', state ? `<script type="application/json" id="shop-state">${state}</script>` : '')

  const sitemap = createSitemap(fetchFor, originOf, { urlsPerFile: opts.sitemapUrlsPerFile })
  const pageRoute = { schema: { hide: true } }
  app.get('/robots.txt', pageRoute, async (req, reply) => {
    const origin = originOf(req)
    reply.header('cache-control', 'public, max-age=3600').type('text/plain; charset=utf-8')
    return ['User-agent: *', 'Allow: /', 'Disallow: /admin', 'Disallow: /cart', 'Disallow: /checkout', 'Disallow: /orders', 'Disallow: /account', `Sitemap: ${origin}/sitemap.xml`, ''].join('\n')
  })
  app.get('/sitemap.xml', pageRoute, async (req, reply) => {
    reply.header('cache-control', 'public, max-age=600').type('application/xml; charset=utf-8')
    return sitemap.sitemap(req)
  })
  app.get('/sitemaps/:file', pageRoute, async (req, reply) => {
    const xml = await sitemap.part(req, (req.params as { file: string }).file)
    if (xml === null) return reply.code(404).type('text/plain; charset=utf-8').send('Not Found')
    reply.header('cache-control', 'public, max-age=600').type('application/xml; charset=utf-8')
    return xml
  })

  /** Markup built per page, with a digest of the answers it was built from (oldest page dropped first). */
  const markups = new Map<string, { answers: string; markup: string }>()
  const reuseMarkup = (key: string, reads: Reads) => (build: () => string) => {
    // reads made at once may come in either order
    const answers = reads.answers.sort().join(' ')
    const kept = markups.get(key)
    if (kept?.answers === answers) return kept.markup
    const markup = build()
    markups.delete(key)
    if (markups.size >= MARKUPS_KEPT) markups.delete(markups.keys().next().value as string)
    markups.set(key, { answers, markup })
    return markup
  }

  /**
   * Renders the page at `url` (undefined for a page the browser renders); one that may be
   * kept (`key`) is offered to the edge cache.
   */
  async function renderPage(url: string, client: { ip: string }, origin: string, key: string | undefined): Promise<{ status: number; body: Buffer } | undefined> {
    const askedAt = performance.now()
    const reads: Reads = { validators: {}, expiresAt: Number.POSITIVE_INFINITY, cacheable: Boolean(key), answers: [] }
    const out = await renderer.render(url, fetchFor(client, reads), origin, key ? reuseMarkup(key, reads) : undefined)
    if (!out) return undefined
    // the same bytes answer this request and are kept: compressed once for both
    let body: Buffer = Buffer.from(page(out.head, out.html, out.state))
    // A renewal that changed nothing (a page's copy lives only as long as its stock read) keeps
    // the copy's own bytes, and with them the compressed copies already made of them.
    const held = key ? edge?.policyOf(key)?.body : undefined
    if (held?.equals(body)) body = held
    if (key && edge && out.status === 200 && reads.cacheable && Number.isFinite(reads.expiresAt)) {
      const ttlMs = Math.floor(reads.expiresAt - askedAt)
      if (ttlMs > 0 && edge.store(key, askedAt, { status: 200, headers: {}, body }, edgeCacheHeaders({ ttlMs, validators: reads.validators }))) {
        planRenewal(edge, key, url, origin, ttlMs)
      }
    }
    return { status: out.status, body }
  }

  /**
   * Renders again, in the background, a page whose copy is due for renewal (one render per
   * page at a time), while the copy still answers: under load a page is replaced before it
   * expires instead of every request that arrives then waiting for its render. The new copy
   * is checked on every hit like any other.
   */
  const renewAhead = (edge: EdgeCache, key: string, url: string, client: { ip: string }, origin: string) => {
    const claim = edge.claimFill(key)
    if (typeof claim !== 'function') return
    renderPage(url, client, origin, key)
      .catch((err: unknown) => opts.logger.debug({ err }, 'page renewal failed'))
      .finally(claim)
  }

  /**
   * A page's renewal is planned when its copy is stored, for RENEW_AT_SHARE of its life,
   * and made then only if someone asked for the page in the meantime (the last one's address
   * reaches the API): a popular page is renewed once per life, before it expires, whenever
   * its requests come, and an unpopular one simply expires. Until the plan's time a hit only
   * notes that the page was asked for; after it (a page first asked for late in its life) a
   * hit past half the life renews at once.
   */
  const renewals = new Map<string, NodeJS.Timeout>()
  const askedFor = new Map<string, string>()
  function planRenewal(edge: EdgeCache, key: string, url: string, origin: string, ttlMs: number) {
    clearTimeout(renewals.get(key))
    askedFor.delete(key)
    const timer = setTimeout(() => {
      renewals.delete(key)
      const ip = askedFor.get(key)
      if (ip === undefined) return
      askedFor.delete(key)
      renewAhead(edge, key, url, { ip }, origin)
    }, ttlMs * RENEW_AT_SHARE)
    timer.unref()
    renewals.set(key, timer)
  }
  app.addHook('onClose', (_app, done) => {
    for (const timer of renewals.values()) clearTimeout(timer)
    renewals.clear()
    done()
  })

  /** The page the browser renders by itself (cart, checkout, account..., or when rendering failed). */
  const shell = Buffer.from(page('<title>한빛마켓</title>', '', ''))
  /** A page in the coding the client accepts (brotli or gzip), compressed once per page copy. */
  const sendPage = (req: FastifyRequest, reply: FastifyReply, status: number, body: Buffer) => {
    reply.code(status).header('vary', 'accept-encoding')
    const coding = body.length >= MIN_ENCODED_BYTES ? preferredCoding(req.headers['accept-encoding']) : undefined
    if (!coding) return reply.send(body)
    return reply.header('content-encoding', coding).send(encode(body, coding))
  }

  app.get('/*', pageRoute, async (req, reply) => {
    if (NOT_PAGES.test(req.url)) return reply.callNotFound()
    reply.headers(PAGE_SECURITY_HEADERS).header('cache-control', 'no-cache').type('text/html; charset=utf-8')
    const origin = originOf(req)
    // A public page is the same for everyone: kept while the answers it shows are (edge cache rules).
    const key = edge?.keyFor(req) === undefined ? undefined : `page ${origin} ${req.url}`
    let filled: (() => void) | undefined
    if (key && edge) {
      let waited = false
      for (;;) {
        const found = await edge.lookup(key)
        if (found.copy) {
          edge.record(waited ? 'coalesced' : 'hit')
          if (renewals.has(key)) askedFor.set(key, req.ip)
          else if (found.refreshDue) renewAhead(edge, key, req.url, { ip: req.ip }, origin)
          return sendPage(req, reply.header('x-cache', 'HIT'), found.copy.status, found.copy.body)
        }
        // Of many requests that find no page, one renders it; the others wait and look again.
        const claim = edge.claimFill(key)
        if (typeof claim === 'function') {
          edge.record(found.result)
          filled = claim
          break
        }
        if (waited) {
          edge.record(found.result)
          break
        }
        await claim
        waited = true
      }
    }
    try {
      const out = await renderPage(req.url, req, origin, key)
      if (!out) return sendPage(req, reply, 200, shell)
      return sendPage(req, reply.header('x-cache', 'MISS'), out.status, out.body)
    } catch (err) {
      // the browser can still render the page and ask the API itself
      req.log.warn({ err }, 'server rendering failed; serving the page for the browser to render')
      return sendPage(req, reply, 200, shell)
    } finally {
      filled?.()
    }
  })
  return true
}
