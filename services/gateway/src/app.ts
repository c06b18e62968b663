import cors from '@fastify/cors'
import swaggerUi from '@fastify/swagger-ui'
import type { TokenVerifier } from '@shop/platform/auth'
import type { ValueMirror } from '@shop/platform/key-mirror'
import type { Logger } from '@shop/platform/logger'
import type { Metrics } from '@shop/platform/metrics'
import type { Cache } from '@shop/platform/ports'
import type { ProcessName, ServiceName } from '@shop/platform/runtime'
import { createServer } from '@shop/platform/server'
import { tracingRecorded } from '@shop/platform/telemetry'
import type { FastifyInstance } from 'fastify'
import { createAccessCheck } from './access.ts'
import { type AdminOptions, registerAdminRoutes, withAdminDocs } from './admin/admin.routes.ts'
import { type GatewayConfig, trustProxySetting } from './config.ts'
import { createEdgeCache } from './edge-cache.ts'
import { createOpenApiAggregator } from './openapi.ts'
import { registerUpstream } from './proxy.ts'
import { ROUTE_TABLE } from './routes.ts'
import { cookieExchange } from './session-cookie.ts'
import { registerWebApp } from './web.ts'

export interface GatewayDeps {
  logger: Logger
  version: string
  urls: Record<ProcessName, string>
  verifier: TokenVerifier
  cache: Cache
  /** The edge copies' validators, from a local copy kept exact by Redis (distributed mode). */
  validators?: ValueMirror
  config: GatewayConfig
  metrics?: Metrics
  readiness?: Record<string, () => Promise<void>>
  /** The audit and dead-letter routes' bus and settings. */
  admin?: AdminOptions
  /**
   * A SERVER span per request (default: only when this process records spans). The
   * gateway publishes nothing, so when no span is recorded it forwards the caller's
   * `traceparent` as it came and the first service starts the trace; when spans are
   * recorded, upstream calls carry the gateway's span as their parent.
   */
  serverSpans?: boolean
  /** The built web app to serve outside /v1 (storefront and admin); none: the API alone. */
  webDistDir?: string
}

/** The public edge: `/v1/<prefix>/*` checked, limited and forwarded to the owning service. */
export async function buildApp(deps: GatewayDeps): Promise<FastifyInstance> {
  const { config } = deps
  const app = createServer({
    service: 'gateway',
    version: deps.version,
    logger: deps.logger,
    metrics: deps.metrics,
    trustProxy: trustProxySetting(config.TRUST_PROXY),
    readiness: { ...upstreamChecks(deps.urls), ...deps.readiness },
    serverSpans: deps.serverSpans ?? tracingRecorded(),
  })
  const origins = config.CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean)
  const docs = withAdminDocs(createOpenApiAggregator(deps.urls, deps.version), () => app.swagger())
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { url: '/v1/openapi.json' },
    transformSpecification: () => docs.current(),
  })
  const edge = createEdgeCache({
    cache: deps.cache,
    validators: deps.validators,
    maxEntries: config.EDGE_CACHE_MAX_ENTRIES,
    maxBytes: config.EDGE_CACHE_MAX_BYTES,
    metrics: app.metrics,
  })

  // The API, and only the API, answers other origins' scripts (CORS_ORIGINS): pages, assets and
  // the operations endpoints are read as themselves, and skip the CORS hook's per-request work.
  await app.register(async (api) => {
    await api.register(cors, {
      origin: origins.includes('*') ? true : origins,
      credentials: !origins.includes('*'),
      // One string, not a list the plugin would join again on every request.
      exposedHeaders: 'x-request-id, retry-after, idempotent-replayed, etag',
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match', 'x-request-id'],
      maxAge: 600,
    })
    api.get('/v1/openapi.json', { schema: { hide: true } }, async () => docs.refresh())

    const check = createAccessCheck({
      verifier: deps.verifier,
      cache: deps.cache,
      perIpPerMinute: config.RATE_LIMIT_PER_MINUTE,
      perUserPerMinute: config.USER_RATE_LIMIT_PER_MINUTE,
      credentialPerIpPerMinute: config.AUTH_RATE_LIMIT_PER_MINUTE,
    })
    registerAdminRoutes(api, { urls: deps.urls, check, admin: deps.admin })
    for (const [name, prefixes] of Object.entries(ROUTE_TABLE) as [ServiceName, string[]][]) {
      registerUpstream(api, {
        name,
        baseUrl: deps.urls[name],
        prefixes,
        timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        breakerResetMs: config.BREAKER_RESET_MS,
        logger: deps.logger,
        metrics: deps.metrics,
        check,
        edge,
        exchange: name === 'auth' ? cookieExchange : undefined,
      })
    }
  })
  if (deps.webDistDir) {
    await registerWebApp(app, { distDir: deps.webDistDir, logger: deps.logger, publicOrigin: config.PUBLIC_ORIGIN || undefined, sitemapUrlsPerFile: config.SITEMAP_URLS_PER_FILE, edge })
  }
  return app
}

function upstreamChecks(urls: Record<ProcessName, string>): Record<string, () => Promise<void>> {
  const checks: Record<string, () => Promise<void>> = {}
  for (const service of Object.keys(ROUTE_TABLE) as ServiceName[]) {
    checks[service] = async () => {
      const res = await fetch(`${urls[service]}/health`, { signal: AbortSignal.timeout(1500) })
      if (!res.ok) throw new Error(`status ${res.status}`)
    }
  }
  return checks
}
