import type { IncomingHttpHeaders } from 'node:http'
import { performance } from 'node:perf_hooks'
import { EDGE_TTL_HEADER, EDGE_VALIDATORS_HEADER } from '@shop/platform/edge-cache'
import { UpstreamUnavailable } from '@shop/platform/errors'
import type { Logger } from '@shop/platform/logger'
import type { Metrics } from '@shop/platform/metrics'
import { injectTraceContext } from '@shop/platform/telemetry'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import CircuitBreaker from 'opossum'
import { type Dispatcher, Pool } from 'undici'
import type { EdgeCache } from './edge-cache.ts'
import { isEventStream } from './routes.ts'

export interface UpstreamOptions {
  name: string
  baseUrl: string
  prefixes: string[]
  timeoutMs: number
  breakerResetMs: number
  logger: Logger
  metrics?: Metrics
  /** Runs before forwarding (auth, limits); throws a DomainError to refuse. */
  check(req: FastifyRequest): Promise<void>
  /** Public answers the upstream allows the gateway to keep are answered from here. */
  edge?: EdgeCache
  /** What rewrites a request's body and its answer (the web's session cookie); undefined leaves the request as it came. */
  exchange?(req: FastifyRequest): BodyExchange | undefined
}

/** A rewritten request body, and what rewrites its answer (read whole, since it must be small). */
export interface BodyExchange {
  body: Buffer | undefined
  answer(status: number, body: Buffer, reply: FastifyReply): Buffer
}

type UpstreamResponse = Dispatcher.ResponseData

/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1), those the
 * proxy sets itself, and the upstream's edge-cache instructions (meant for the gateway only).
 */
const HOP_BY_HOP = new Set([
  EDGE_TTL_HEADER,
  EDGE_VALIDATORS_HEADER,
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'expect',
  'content-length',
])

/** An answer up to this size is read whole and sent in one write; a larger or unsized one is streamed. */
const BUFFER_LIMIT = 1024 * 1024

function endToEnd(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const listed = typeof headers.connection === 'string' ? headers.connection.toLowerCase().split(',').map((s) => s.trim()) : []
  const out: Record<string, string | string[]> = {}
  for (const name in headers) {
    const value = headers[name]
    if (value === undefined || HOP_BY_HOP.has(name) || listed.includes(name)) continue
    out[name] = value
  }
  return out
}

/** The request's end-to-end headers as the upstream gets them. */
function upstreamHeaders(req: FastifyRequest): Record<string, string | string[]> {
  const headers = endToEnd(req.headers)
  headers['x-request-id'] = req.id
  // Services behind the gateway see the client, not the gateway (per-IP limits in auth).
  // req.ip already honours the gateway's own TRUST_PROXY.
  headers['x-forwarded-for'] = req.ip
  // The request's SERVER span, when there is one, becomes the upstream's parent (replacing the
  // caller's traceparent, which is that span's own parent); without one nothing is injected.
  injectTraceContext(headers)
  return headers
}

/**
 * Forwards `/v1/<prefix>/*` to one upstream over a keep-alive undici pool, through a
 * circuit breaker: failures to get an answer (refused or reset connections, timeouts)
 * count; while the breaker is open the gateway answers 503 upstream_unavailable at once
 * instead of queueing on a dead service. An answer, 5xx included, is passed through and
 * counts as a success: a service that answers is up, and its 503 usually says that one
 * of its own dependencies is down (its own breaker handles that). Counting those would
 * take every route of a healthy service down with one dependency (placing orders fails
 * while shipping is down; reading them must not).
 * Request bodies are forwarded as the bytes that came (the 1 MiB limit applies; the
 * service validates them); answers come back with their status and end-to-end headers.
 */
export function registerUpstream(app: FastifyInstance, o: UpstreamOptions): void {
  const pool = new Pool(o.baseUrl, {
    connections: 128,
    pipelining: 1,
    headersTimeout: o.timeoutMs,
    bodyTimeout: o.timeoutMs,
  })
  // Event streams get their own connections, unbounded in number and in the time between
  // two events, so open streams never take the connections other requests wait for.
  const streams = new Pool(o.baseUrl, { pipelining: 1, headersTimeout: o.timeoutMs, bodyTimeout: 0 })
  app.addHook('onClose', async () => {
    await Promise.all([pool.close(), streams.close()])
  })

  const breaker = new CircuitBreaker(
    (options: Dispatcher.RequestOptions, stream = false): Promise<UpstreamResponse> => (stream ? streams : pool).request(options),
    {
      timeout: false, // undici's headersTimeout bounds each call
      errorThresholdPercentage: 50,
      volumeThreshold: 5,
      rollingCountTimeout: 10_000,
      resetTimeout: o.breakerResetMs,
    },
  )
  breaker.on('open', () => o.logger.warn({ upstream: o.name }, 'circuit opened'))
  breaker.on('close', () => o.logger.info({ upstream: o.name }, 'circuit closed'))
  o.metrics?.gauge(
    'upstream_circuit_open',
    'Whether the breaker to an upstream is open (1) or half-open (0.5)',
    () => (breaker.opened ? 1 : breaker.halfOpen ? 0.5 : 0),
    { upstream: o.name },
  )
  const retryAfter = Math.ceil(o.breakerResetMs / 1000)

  /** Relays the answer; one the request may keep (edgeKey) is offered to the edge cache. */
  async function relay(
    res: UpstreamResponse,
    reply: FastifyReply,
    edgeKey: string | undefined,
    askedAt: number,
    exchange: BodyExchange | undefined,
  ): Promise<FastifyReply> {
    const headers = endToEnd(res.headers)
    reply.code(res.statusCode).headers(headers)
    if (exchange) return reply.send(exchange.answer(res.statusCode, Buffer.from(await res.body.arrayBuffer()), reply))
    const length = Number(res.headers['content-length'])
    if (Number.isFinite(length) && length <= BUFFER_LIMIT) {
      const body = Buffer.from(await res.body.arrayBuffer())
      if (edgeKey !== undefined && o.edge) {
        const kept = o.edge.store(edgeKey, askedAt, { status: res.statusCode, headers, body }, res.headers)
        reply.header('x-cache', kept ? 'MISS' : 'BYPASS')
      }
      return reply.send(body)
    }
    return reply.send(res.body)
  }

  app.register(async (scope) => {
    // Bodies are kept as the bytes that came, whatever their type, and forwarded as they are.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body))
    const forward = async (req: FastifyRequest, reply: FastifyReply) => {
      await o.check(req)
      if (isEventStream(req.method, req.upstreamPath as string)) return stream(req, reply)
      const edge = o.edge
      const edgeKey = edge?.keyFor(req)
      let endFill: (() => void) | undefined
      if (edge && edgeKey !== undefined) {
        let { copy, refreshDue, result } = await edge.lookup(edgeKey)
        if (!copy) {
          const claim = edge.claimFill(edgeKey)
          if (typeof claim === 'function') endFill = claim
          else {
            await claim
            ;({ copy, refreshDue } = await edge.lookup(edgeKey))
            if (copy) result = 'coalesced'
            // Still nothing valid (a write meanwhile, or the call failed): call the service, waiting no more.
            const again = copy ? undefined : edge.claimFill(edgeKey)
            if (typeof again === 'function') endFill = again
          }
        }
        edge.record(result)
        if (copy) {
          if (refreshDue) refreshAhead(req, edge, edgeKey)
          return reply.code(copy.status).headers(copy.headers).header('x-cache', 'HIT').send(copy.body)
        }
      }
      try {
        return await call(req, reply, edgeKey)
      } finally {
        endFill?.()
      }
    }
    /** Fetches a copy about to expire again without making anyone wait for it (at most one fetch per URL). */
    const refreshAhead = (req: FastifyRequest, edge: EdgeCache, edgeKey: string) => {
      const claim = edge.claimFill(edgeKey)
      if (typeof claim !== 'function') return
      const headers = upstreamHeaders(req)
      // Fresh data, not what the service's own cache has left of its second.
      headers['cache-control'] = 'no-cache'
      const askedAt = performance.now()
      breaker
        .fire({ method: 'GET', path: req.upstreamPath as string, headers })
        .then(async (res) => {
          const length = Number(res.headers['content-length'])
          if (res.statusCode !== 200 || !Number.isFinite(length) || length > BUFFER_LIMIT) return res.body.dump()
          const body = Buffer.from(await res.body.arrayBuffer())
          edge.store(edgeKey, askedAt, { status: res.statusCode, headers: endToEnd(res.headers), body }, res.headers)
        })
        .catch((err: unknown) => o.logger.debug({ err, upstream: o.name }, 'edge refresh failed'))
        .finally(claim)
    }
    /**
     * An event stream, passed on as each chunk comes: no edge cache, no buffering, no
     * timeout between events; closing either side closes the other.
     */
    const stream = async (req: FastifyRequest, reply: FastifyReply) => {
      let res: UpstreamResponse
      try {
        res = await breaker.fire({ method: 'GET', path: req.upstreamPath as string, headers: upstreamHeaders(req) }, true)
      } catch (err) {
        if (!breaker.opened) o.logger.warn({ err, upstream: o.name }, 'upstream call failed')
        throw new UpstreamUnavailable(o.name, retryAfter)
      }
      const body = res.body
      // A client that leaves aborts the call to the service. After a normal end (the service
      // ended the stream: its terminal state, `until=settled`, its timeout) the body has
      // ended and destroy() aborts nothing: both connections stay open for the next request.
      reply.raw.on('close', () => body.destroy())
      return reply.code(res.statusCode).headers(endToEnd(res.headers)).header('x-accel-buffering', 'no').send(body)
    }
    const call = async (req: FastifyRequest, reply: FastifyReply, edgeKey: string | undefined) => {
      const exchange = o.exchange?.(req)
      const headers = upstreamHeaders(req)
      const body = exchange ? exchange.body : (req.body as Buffer | undefined)
      let res: UpstreamResponse
      const askedAt = performance.now()
      try {
        res = await breaker.fire({ method: req.method as Dispatcher.HttpMethod, path: req.upstreamPath as string, headers, body })
      } catch (err) {
        if (!breaker.opened) o.logger.warn({ err, upstream: o.name }, 'upstream call failed')
        throw new UpstreamUnavailable(o.name, retryAfter)
      }
      return relay(res, reply, edgeKey, askedAt, exchange)
    }
    for (const prefix of o.prefixes) {
      scope.all(`/v1/${prefix}`, forward)
      scope.all(`/v1/${prefix}/*`, forward)
    }
  })
}
