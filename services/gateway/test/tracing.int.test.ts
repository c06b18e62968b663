import type { AddressInfo } from 'node:net'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node'
import { createTokenVerifier } from '@shop/platform/auth'
import { createMemoryCache } from '@shop/platform/cache-memory'
import { loadConfig } from '@shop/platform/config'
import { createLogger } from '@shop/platform/logger'
import type { ProcessName } from '@shop/platform/runtime'
import { initTelemetry } from '@shop/platform/telemetry'
import { createTestIssuer, serveJwks } from '@shop/platform/testing-auth'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { GatewayConfig } from '../src/config.ts'

// With spans recorded (an exporter configured), the gateway's SERVER span sits between
// the caller and the service: the upstream call carries it as the parent, so one trace
// runs from the edge into the service (and on through the events the service publishes).
const exporter = new InMemorySpanExporter()
const telemetry = initTelemetry({ service: 'gateway-trace-test', spanProcessors: [new SimpleSpanProcessor(exporter)] })

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const CALLER_SPAN = '00f067aa0ba902b7'

describe('gateway tracing', () => {
  let upstream: FastifyInstance
  let app: FastifyInstance
  let jwks: Awaited<ReturnType<typeof serveJwks>>

  beforeAll(async () => {
    upstream = Fastify()
    upstream.get('/*', async (req) => ({ traceparent: req.headers.traceparent ?? null }))
    await upstream.listen({ host: '127.0.0.1', port: 0 })
    const url = `http://127.0.0.1:${(upstream.server.address() as AddressInfo).port}`
    const urls = Object.fromEntries(['auth', 'product', 'order', 'payment', 'shipping', 'gateway'].map((s) => [s, url])) as Record<ProcessName, string>
    const issuer = await createTestIssuer()
    jwks = await serveJwks(issuer.jwks)
    const cache = createMemoryCache()
    app = await buildApp({
      logger: createLogger({ service: 'gateway-trace-test', level: 'silent' }),
      version: 'test',
      urls,
      cache,
      verifier: createTokenVerifier({ jwksUrl: jwks.url, issuer: issuer.issuer, audience: issuer.audience, denylist: cache }),
      config: loadConfig(GatewayConfig, {}),
    })
    await app.ready()
  })
  afterAll(async () => {
    await app.close()
    await upstream.close()
    await jwks.close()
    await telemetry.shutdown()
  })
  beforeEach(() => exporter.reset())

  const serverSpans = () => exporter.getFinishedSpans().filter((s) => s.name.startsWith('GET '))

  it("continues the caller's trace and hands the service its own span as the parent", async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/products', headers: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` } })
    expect(res.statusCode).toBe(200)
    const [span] = serverSpans()
    expect(span?.spanContext().traceId).toBe(CALLER_TRACE)
    expect(span?.parentSpanId).toBe(CALLER_SPAN)
    expect(res.json().traceparent).toBe(`00-${CALLER_TRACE}-${span?.spanContext().spanId}-01`)
  })

  it('starts the trace for a caller that sends none', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/categories' })
    const [span] = serverSpans()
    expect(span).toBeDefined()
    expect(span?.parentSpanId).toBeUndefined()
    expect(res.json().traceparent).toBe(`00-${span?.spanContext().traceId}-${span?.spanContext().spanId}-01`)
  })
})
