import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node'
import type { EventEnvelope } from '@shop/contracts'
import { createMemoryBus } from '@shop/platform/bus-memory'
import { createEvent } from '@shop/platform/events'
import { createLogger } from '@shop/platform/logger'
import { createServer } from '@shop/platform/server'
import { currentTraceId, currentTraceparent, initTelemetry } from '@shop/platform/telemetry'
import { afterAll, describe, expect, it } from 'vitest'

// A trace follows a request: the caller's traceparent → the SERVER span of the route →
// an event published from the handler → the consumer of that event.
const exporter = new InMemorySpanExporter()
const telemetry = initTelemetry({ service: 'trace-test', spanProcessors: [new SimpleSpanProcessor(exporter)] })
afterAll(() => telemetry.shutdown())

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const CALLER = `00-${CALLER_TRACE}-00f067aa0ba902b7-01`

describe('trace propagation', () => {
  it('a request continues the caller trace, and an event published in it carries the trace to its consumer', async () => {
    const bus = createMemoryBus()
    const consumed: { traceId?: string; event: EventEnvelope }[] = []
    await bus.subscribe({
      service: 'trace-consumer',
      types: ['inventory.low'],
      handler: async (event) => void consumed.push({ traceId: currentTraceId(), event }),
    })
    const app = createServer({ service: 'trace', logger: createLogger({ service: 'trace', level: 'silent' }) })
    app.get('/work', async () => {
      const inside = { traceId: currentTraceId(), traceparent: currentTraceparent() }
      await bus.publish(createEvent('trace', 'inventory.low', { productId: '0b6f3f1e-8c4b-4c58-9a7e-5f1d2b3c4d5e', available: 1 }))
      return inside
    })
    const res = await app.inject({ method: 'GET', url: '/work', headers: { traceparent: CALLER } })
    expect(res.statusCode).toBe(200)
    const inside = res.json()
    expect(inside.traceId).toBe(CALLER_TRACE)
    expect(inside.traceparent).toMatch(new RegExp(`^00-${CALLER_TRACE}-[0-9a-f]{16}-01$`))
    await bus.idle()
    expect(consumed).toHaveLength(1)
    expect(consumed[0]?.event.traceparent).toMatch(new RegExp(`^00-${CALLER_TRACE}-`))
    expect(consumed[0]?.traceId).toBe(CALLER_TRACE)
    const server = exporter.getFinishedSpans().find((s) => s.name === 'GET /work')
    expect(server?.spanContext().traceId).toBe(CALLER_TRACE)
    expect(server?.attributes['http.response.status_code']).toBe(200)
    await app.close()
    await bus.close()
  })

  it('without a traceparent a request starts a new trace', async () => {
    const app = createServer({ service: 'trace', logger: createLogger({ service: 'trace', level: 'silent' }) })
    app.get('/fresh', async () => ({ traceId: currentTraceId() }))
    const a = (await app.inject({ method: 'GET', url: '/fresh' })).json()
    const b = (await app.inject({ method: 'GET', url: '/fresh' })).json()
    expect(a.traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(a.traceId).not.toBe(b.traceId)
    await app.close()
  })
})
