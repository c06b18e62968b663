import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { Logger } from '@shop/platform/logger'
import { performance } from 'node:perf_hooks'
import { edgeCacheHeaders } from '@shop/platform/edge-cache'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { EdgeCache } from './edge-cache.ts'
import { createSitemap } from './sitemap.ts'

/** The web app's server renderer (apps/web/src/entry-server.tsx, built into dist/server). */
interface Renderer {
  render(url: string, fetchImpl: typeof fetch, origin: string): Promise<{ status: number; html: string; head: string; state: string } | null>
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
  /** The gateway's edge cache: a rendered page is kept there while every API answer it was built from is. */
  edge?: EdgeCache
}

/** The API answers a render read, and whether each is held by the edge cache (so the page can be). */
interface Reads {
  validators: Record<string, string>
  expiresAt: number
  cacheable: boolean
}

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

  await app.register(fastifyStatic, {
    root: client,
    prefix: '/',
    // one route per file found now, leaving every other path to the page handler
    wildcard: false,
    index: false,
    // our own Cache-Control below, not the plugin's max-age=0
    cacheControl: false,
    allowedPath: (path) => !path.startsWith('/.vite') && path !== '/index.html',
    setHeaders(res, path) {
      res.setHeader('x-content-type-options', 'nosniff')
      res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=3600')
    },
  })

  const originOf = (req: FastifyRequest) => opts.publicOrigin ?? `${req.protocol}://${req.host}`
  // The renderer reaches the public API in-process, as the client would, with the client's address.
  const fetchFor = (req: FastifyRequest, reads?: Reads): typeof fetch =>
    (async (input: RequestInfo | URL, init?: RequestInit) => {
      const r = input instanceof Request ? input : new Request(input, init)
      const u = new URL(r.url)
      const body = r.method === 'GET' || r.method === 'HEAD' ? undefined : await r.text()
      const res = await app.inject({
        method: r.method as 'GET',
        url: u.pathname + u.search,
        headers: Object.fromEntries(r.headers),
        payload: body,
        remoteAddress: req.ip,
      })
      if (reads) noteRead(reads, r.method, u.pathname + u.search, res.statusCode)
      return new Response(res.statusCode === 204 ? null : new Uint8Array(res.rawPayload), {
        status: res.statusCode,
        headers: res.headers as Record<string, string>,
      })
    }) as typeof fetch

  const edge = opts.edge
  function noteRead(reads: Reads, method: string, url: string, status: number) {
    const key = edge?.keyFor({ method, url, headers: {} })
    const policy = key && status === 200 ? edge?.policyOf(key) : undefined
    if (!policy) {
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

  const sitemap = createSitemap(fetchFor, originOf)
  app.get('/robots.txt', { schema: { hide: true } }, async (req, reply) => {
    const origin = originOf(req)
    reply.header('cache-control', 'public, max-age=3600').type('text/plain; charset=utf-8')
    return ['User-agent: *', 'Allow: /', 'Disallow: /admin', 'Disallow: /cart', 'Disallow: /checkout', 'Disallow: /orders', 'Disallow: /account', `Sitemap: ${origin}/sitemap.xml`, ''].join('\n')
  })
  app.get('/sitemap.xml', { schema: { hide: true } }, async (req, reply) => {
    reply.header('cache-control', 'public, max-age=600').type('application/xml; charset=utf-8')
    return sitemap(req)
  })

  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    if (NOT_PAGES.test(req.url)) return reply.callNotFound()
    reply.headers(PAGE_SECURITY_HEADERS).header('cache-control', 'no-cache').type('text/html; charset=utf-8')
    // A public page is the same for everyone: kept while the answers it shows are (edge cache rules).
    const key = edge?.keyFor(req) === undefined ? undefined : `page ${originOf(req)} ${req.url}`
    let filled: (() => void) | undefined
    if (key && edge) {
      let waited = false
      for (;;) {
        const found = await edge.lookup(key)
        if (found.copy) {
          edge.record(waited ? 'coalesced' : 'hit')
          return reply.code(found.copy.status).header('x-cache', 'HIT').send(found.copy.body)
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
      const askedAt = performance.now()
      const reads: Reads = { validators: {}, expiresAt: Number.POSITIVE_INFINITY, cacheable: Boolean(key) }
      const out = await renderer.render(req.url, fetchFor(req, reads), originOf(req))
      if (!out) return reply.send(page('<title>한빛마켓</title>', '', ''))
      const html = page(out.head, out.html, out.state)
      if (key && edge && out.status === 200 && reads.cacheable && Number.isFinite(reads.expiresAt)) {
        const ttlMs = Math.floor(reads.expiresAt - askedAt)
        if (ttlMs > 0) edge.store(key, askedAt, { status: 200, headers: {}, body: Buffer.from(html) }, edgeCacheHeaders({ ttlMs, validators: reads.validators }))
      }
      return reply.code(out.status).header('x-cache', 'MISS').send(html)
    } catch (err) {
      // the browser can still render the page and ask the API itself
      req.log.warn({ err }, 'server rendering failed; serving the page for the browser to render')
      return reply.send(page('<title>한빛마켓</title>', '', ''))
    } finally {
      filled?.()
    }
  })
  return true
}
