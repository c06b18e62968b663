import { randomUUID } from 'node:crypto'
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http'
import AjvCompiler from '@fastify/ajv-compiler'
import { fastifySwagger } from '@fastify/swagger'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { FormatRegistry, Type } from '@sinclair/typebox'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifySchemaValidationError,
  LogController,
  type RawServerDefault,
} from 'fastify'
import {
  DomainError,
  type FieldError,
  internalProblem,
  NotFound,
  PayloadTooLarge,
  toProblem,
  UnsupportedMediaType,
  UpstreamUnavailable,
  ValidationFailed,
} from './errors.ts'
import { installHttpTracing } from './http-tracing.ts'
import { isInfrastructureOutage } from './outage.ts'
import { rejectHostileInput } from './input-guard.ts'
import { lingerForRefusedBody } from './refused-body.ts'
import type { Logger } from './logger.ts'
import { createMetrics, type Metrics } from './metrics.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The service's metrics; services add gauges (outbox backlog, breaker state) to it. */
    metrics: Metrics
  }
}

/** The Fastify instance every service builds its routes on. */
export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>

export interface ServerOptions {
  service: string
  version?: string
  logger: Logger
  /** Request body limit in bytes (default 1 MiB). */
  bodyLimit?: number
  /** Checks for /health/ready: each must resolve within the readiness timeout. */
  readiness?: Record<string, () => Promise<void>>
  /** Per-check limit for /health/ready (default 2 s). */
  readinessTimeoutMs?: number
  /** Which proxies' X-Forwarded-For to believe (Fastify's trustProxy). */
  trustProxy?: boolean | string | string[]
  openapi?: { title?: string; description?: string }
  metrics?: Metrics
  /**
   * Whether each request runs inside a SERVER span (default true), so that its logs carry
   * a trace id and what it publishes or calls continues the trace. A process that
   * publishes nothing and forwards the caller's own `traceparent` (the gateway) turns it
   * off when no span is recorded: the span's context would only reach its own log lines,
   * at the price of AsyncLocalStorage on every promise of every request.
   */
  serverSpans?: boolean
}

/** The RFC 9457 body, for route schemas that document their error answers. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    code: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { description: 'application/problem+json (RFC 9457)' },
)

/** Response schemas for the given error statuses: `response: { 200: X, ...problemResponses(400, 404) }`. */
export function problemResponses<S extends number>(...statuses: S[]): Record<S, typeof ProblemSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ProblemSchema])) as Record<S, typeof ProblemSchema>
}

// TypeBox's own checks (Value.Check, TypeCompiler) know no formats until told; ajv gets them from ajv-formats.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const formats: Record<string, (v: string) => boolean> = {
  uuid: (v) => UUID.test(v),
  email: (v) => EMAIL.test(v),
  'date-time': (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(v) && !Number.isNaN(Date.parse(v)),
  uri: (v) => URL.canParse(v),
}
for (const [name, check] of Object.entries(formats)) if (!FormatRegistry.Has(name)) FormatRegistry.Set(name, check)

// Bodies are JSON and must match their schema as sent: no coercion ("3" is not 3) and no
// silent stripping of unknown fields. Querystring, params and headers are strings on
// the wire, so they are coerced.
const strictAjv = { coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: true, keywords: ['example'] }
const looseAjv = { ...strictAjv, coerceTypes: 'array' as const }
const ajvPool = AjvCompiler()

// The pool's typings describe ajv.compile; what it returns is called with Fastify's route definition.
type RouteDef = { schema: unknown; method: string; url: string; httpPart?: string }
type RouteCompiler = (route: RouteDef) => unknown

function buildValidator(externalSchemas: Parameters<typeof ajvPool>[0]): RouteCompiler {
  const strict = ajvPool(externalSchemas, { customOptions: strictAjv }) as unknown as RouteCompiler
  const loose = ajvPool(externalSchemas, { customOptions: looseAjv }) as unknown as RouteCompiler
  return (route) => {
    if (route.httpPart === 'body') return strict(route)
    // A custom compiler receives header schemas as written; header names arrive lower-cased.
    return loose(route.httpPart === 'headers' ? { ...route, schema: lowerCaseHeaders(route.schema) } : route)
  }
}

function lowerCaseHeaders(schema: unknown): unknown {
  const s = schema as { properties?: Record<string, unknown>; required?: string[] }
  if (!s || typeof s !== 'object' || !s.properties) return schema
  return {
    ...s,
    properties: Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k.toLowerCase(), v])),
    ...(s.required ? { required: s.required.map((k) => k.toLowerCase()) } : {}),
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

function requestId(req: IncomingMessage): string {
  const sent = req.headers['x-request-id']
  return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID()
}

const pointerEscape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1')

/** ajv errors as `[{ path, message }]`: JSON pointers in the body, plain names elsewhere. */
function fieldErrors(validation: FastifySchemaValidationError[], context: string | undefined): FieldError[] {
  const out = new Map<string, FieldError>()
  for (const e of validation) {
    const params = (e.params ?? {}) as Record<string, unknown>
    let path = e.instancePath ?? ''
    let message = e.message ?? 'is not valid'
    if (e.keyword === 'required' && typeof params.missingProperty === 'string') {
      path += `/${pointerEscape(params.missingProperty)}`
      message = 'is required'
    } else if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      path += `/${pointerEscape(params.additionalProperty)}`
      message = 'is not an allowed field'
    }
    if (context && context !== 'body') path = path.replace(/^\//, '') || context
    out.set(`${path}\u0000${message}`, { path, message })
  }
  return [...out.values()]
}

const pathOf = (req: FastifyRequest) => req.url.split('?')[0]

function sendProblem(reply: FastifyReply, err: DomainError, instance: string) {
  if (err.headers) reply.headers(err.headers)
  return reply.code(err.status).type('application/problem+json').send(toProblem(err, instance))
}

/** Turns any error into a DomainError the client may see, or undefined for a 500. */
function asDomainError(err: FastifyError): DomainError | undefined {
  if (err instanceof DomainError) return err
  if (err.validation) return new ValidationFailed(fieldErrors(err.validation, err.validationContext))
  if (isInfrastructureOutage(err)) return new UpstreamUnavailable('a backing service', 2)
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ValidationFailed([{ path: '', message: 'the body is not valid JSON' }])
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ValidationFailed([{ path: '', message: 'the body is empty; send a JSON document' }])
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLarge()
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaType('Send the body as application/json')
  }
  // Other client errors raised by Fastify or a plugin (bad content-length, bad URL):
  // their status stands, their wording stays generic.
  const status = err.statusCode ?? 500
  if (status >= 400 && status < 500) {
    const title = STATUS_CODES[status] ?? 'Bad request'
    return new DomainError({ status, code: title.toLowerCase().replace(/[^a-z]+/g, '_'), title, detail: title })
  }
  return undefined
}

/** Builds a Fastify server with the platform's errors, request ids, health, metrics and OpenAPI. */
export function createServer(opts: ServerOptions): App {
  const version = opts.version ?? '0.0.0'
  const metrics = opts.metrics ?? createMetrics(opts.service)
  const readinessTimeoutMs = opts.readinessTimeoutMs ?? 2_000

  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    trustProxy: opts.trustProxy ?? false,
    genReqId: requestId,
    requestIdHeader: false,
    // One 'request completed' line per request (onResponse below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    schemaController: { compilersFactory: { buildValidator: buildValidator as unknown as typeof ajvPool } },
    frameworkErrors: (err, req, reply) => {
      void sendProblem(reply, new DomainError({ status: 400, code: 'bad_request', title: 'Bad request', detail: err.message }), pathOf(req))
    },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App

  app.decorate('metrics', metrics)
  // Only JSON bodies are accepted; anything else is 415 (Fastify would parse text/plain).
  app.removeContentTypeParser('text/plain')

  installSwagger(app, {
    openapi: {
      openapi: '3.1.0',
      info: { title: opts.openapi?.title ?? `${opts.service} service`, description: opts.openapi?.description, version },
    },
  })

  if (opts.serverSpans ?? true) installHttpTracing(app as unknown as FastifyInstance, opts.service)
  // Hooks that run on every request take the callback form: no promise per hook per request.
  // nosniff: a JSON answer that echoes input must never be taken for HTML or script by a browser.
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id).header('x-content-type-options', 'nosniff')
    done()
  })
  app.addHook('preValidation', rejectHostileInput)

  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched'
    const labels = { method: req.method, route, status_code: String(reply.statusCode) }
    const elapsed = reply.elapsedTime
    metrics.httpRequests.inc(labels)
    metrics.httpDuration.observe(labels, elapsed / 1000)
    const quiet = route === '/health' || route === '/health/ready' || route === '/metrics'
    const level = quiet ? 'debug' : 'info'
    if ((req.log as Logger).isLevelEnabled(level)) {
      req.log[level]({ method: req.method, route, url: req.url, statusCode: reply.statusCode, ms: Math.round(elapsed) }, 'request completed')
    }
    done()
  })

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const domain = asDomainError(err)
    if (!domain) {
      req.log.error({ err }, 'unhandled error')
      return reply.code(500).type('application/problem+json').send(internalProblem(pathOf(req)))
    }
    if (domain.status >= 500) req.log.warn({ err }, domain.title)
    else req.log.info({ code: domain.code, detail: domain.detail }, 'request refused')
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') lingerForRefusedBody(req.raw, reply)
    return sendProblem(reply, domain, pathOf(req))
  })

  app.setNotFoundHandler((req, reply) => sendProblem(reply, new NotFound(`No route for ${req.method} ${pathOf(req)}`), pathOf(req)))

  const HealthSchema = Type.Object({ status: Type.Literal('ok'), service: Type.String(), version: Type.String() })
  const health = { status: 'ok' as const, service: opts.service, version }
  app.get('/health', { schema: { tags: ['operations'], response: { 200: HealthSchema } } }, async () => health)

  const ReadySchema = Type.Object({
    status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
    checks: Type.Record(Type.String(), Type.String()),
  })
  const readiness = opts.readiness ?? {}
  app.get('/health/ready', { schema: { tags: ['operations'], response: { 200: ReadySchema, 503: ReadySchema } } }, async (_req, reply) => {
    const names = Object.keys(readiness)
    const results = await Promise.all(names.map((name) => runCheck(readiness[name], readinessTimeoutMs)))
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]]))
    const ok = results.every((r) => r === 'ok')
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks })
  })

  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.type(metrics.registry.contentType)
    return metrics.registry.metrics()
  })

  // app.swagger() reads the routes collected by the time it is called, so this includes
  // every route the service registers after createServer returns.
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())

  return app
}

/**
 * @fastify/swagger collects routes from an onRoute hook that exists only once the plugin
 * has loaded (at ready()), so routes a service adds on the root right after createServer
 * would be missing. Running the plugin body now installs the hook before any route; a
 * named no-op registration keeps plugins that declare a dependency on it (swagger-ui) happy.
 */
function installSwagger(app: App, options: Parameters<typeof fastifySwagger>[1]): void {
  fastifySwagger(app as unknown as FastifyInstance, options, (err) => {
    if (err) throw err
  })
  const marker = Object.assign(async () => {}, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('plugin-meta')]: { name: '@fastify/swagger', fastify: '5.x' },
  })
  app.register(marker)
}

/** One readiness check: 'ok', or why not (its error message, or that it timed out). */
async function runCheck(check: () => Promise<void>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`timed out after ${timeoutMs} ms`), timeoutMs)
  })
  try {
    return await Promise.race([
      Promise.resolve().then(check).then(
        () => 'ok',
        // Driver messages name hosts and ports; the endpoint is public, so only the kind of failure shows.
        (err: unknown) => (isInfrastructureOutage(err) ? 'unreachable' : 'failed'),
      ),
      timeout,
    ])
  } finally {
    clearTimeout(timer)
  }
}
