import type { AddressInfo } from 'node:net'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node'
import { initTelemetry } from '@shop/platform/telemetry'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildTestGateway, type TestGateway } from './test-gateway.ts'

// With spans recorded (an exporter configured), the gateway's SERVER span sits between
// the caller and the service: the upstream call carries it as the parent, so one trace
// runs from the edge into the service (and on through the events the service publishes).
const exporter = new InMemorySpanExporter()
const telemetry = initTelemetry({ service: 'gateway-trace-test', spanProcessors: [new SimpleSpanProcessor(exporter)] })

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const CALLER_SPAN = '00f067aa0ba902b7'

describe('gateway tracing', () => {
  let upstream: FastifyInstance
  let gateway: TestGateway
  let app: FastifyInstance

  beforeAll(async () => {
    upstream = Fastify()
    upstream.get('/*', async (req) => ({ traceparent: req.headers.traceparent ?? null }))
    await upstream.listen({ host: '127.0.0.1', port: 0 })
    gateway = await buildTestGateway({ upstream: `http://127.0.0.1:${(upstream.server.address() as AddressInfo).port}` })
    app = gateway.app
  })
  afterAll(async () => {
    await gateway.close()
    await upstream.close()
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
