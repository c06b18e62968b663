import { context, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { FastifyInstance } from 'fastify'

declare module 'fastify' {
  interface FastifyRequest {
    otelSpan?: Span
  }
}

/**
 * One SERVER span per request, child of the caller's `traceparent`, active for the rest
 * of the request, so that logs carry its trace id and outgoing calls and events (through
 * the outbox) continue the same trace. With no tracer provider registered it costs a
 * no-op span.
 */
export function installHttpTracing(app: FastifyInstance, service: string): void {
  const tracer = trace.getTracer(`shop-${service}`)
  app.addHook('onRequest', (req, _reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers)
    const span = tracer.startSpan(
      `${req.method} ${req.routeOptions.url ?? 'unmatched'}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.url.split('?')[0], 'shop.service': service } },
      parent,
    )
    req.otelSpan = span
    // Fastify runs the later hooks and the handler from inside done(): they inherit this context.
    context.with(trace.setSpan(parent, span), done)
  })
  app.addHook('onResponse', (req, reply, done) => {
    const span = req.otelSpan
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode)
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
      span.end()
    }
    done()
  })
}
