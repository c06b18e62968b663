import { Readable } from 'node:stream'
import replyFrom from '@fastify/reply-from'
import { UpstreamUnavailable } from '@shop/platform/errors'
import type { Logger } from '@shop/platform/logger'
import type { Metrics } from '@shop/platform/metrics'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import CircuitBreaker from 'opossum'

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
}

class UpstreamServerError extends Error {}

/**
 * Forwards `/v1/<prefix>/*` to one upstream through a circuit breaker: network errors,
 * timeouts and 5xx answers count as failures; while the breaker is open the gateway
 * answers 503 upstream_unavailable at once instead of queueing on a dead service.
 */
export function registerUpstream(app: FastifyInstance, o: UpstreamOptions): void {
  const breaker = new CircuitBreaker(
    (req: FastifyRequest, reply: FastifyReply) =>
      new Promise<void>((resolve, reject) => {
        reply.from(req.upstreamPath as string, {
          rewriteRequestHeaders: (_r, headers) => ({
            ...headers,
            'x-request-id': req.id,
            // Services behind the gateway see the client, not the gateway (per-IP limits in auth).
            // req.ip already honours the gateway's own TRUST_PROXY.
            'x-forwarded-for': req.ip,
          }),
          onResponse: (_req, rep, res) => {
            rep.send(res.stream)
            // A 5xx is passed to the client as it is, and counted against the upstream.
            if (res.statusCode >= 500) reject(new UpstreamServerError(`status ${res.statusCode}`))
            else resolve()
          },
          onError: (_rep, { error }) => reject(error),
        })
      }),
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

  app.register(async (scope) => {
    await scope.register(replyFrom, {
      base: o.baseUrl,
      undici: { connections: 128, pipelining: 1, headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs },
    })
    // Bodies are forwarded as they came (the 1 MiB limit still applies); the service validates them.
    scope.removeAllContentTypeParsers()
    // (a stream, so reply-from forwards the bytes instead of re-encoding them as JSON).
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, Readable.from([body])))
    const forward = async (req: FastifyRequest, reply: FastifyReply) => {
      await o.check(req)
      try {
        await breaker.fire(req, reply)
      } catch (err) {
        if (err instanceof UpstreamServerError) return reply // already sent
        if (!reply.sent) {
          if (!breaker.opened) o.logger.warn({ err, upstream: o.name }, 'upstream call failed')
          throw new UpstreamUnavailable(o.name, retryAfter)
        }
      }
      return reply
    }
    for (const prefix of o.prefixes) {
      scope.all(`/v1/${prefix}`, forward)
      scope.all(`/v1/${prefix}/*`, forward)
    }
  })
}
