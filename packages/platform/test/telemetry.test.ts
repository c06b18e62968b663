import { context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { currentTraceId, currentTraceparent, initTelemetry, withSpan } from '@shop/platform/telemetry'

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/

const exporter = new InMemorySpanExporter()
const telemetry = initTelemetry({ service: 'telemetry-test', spanProcessors: [new SimpleSpanProcessor(exporter)] })

afterAll(() => telemetry.shutdown())
beforeEach(() => exporter.reset())

describe('telemetry', () => {
  it('outside any span there is no traceparent and no trace id', () => {
    expect(currentTraceparent()).toBeUndefined()
    expect(currentTraceId()).toBeUndefined()
  })

  it('inside withSpan, currentTraceparent() is a valid, sampled W3C traceparent of that span', async () => {
    const seen = await withSpan('outer', (span) => {
      const tp = currentTraceparent()
      return { tp, traceId: currentTraceId(), spanId: span.spanContext().spanId }
    })
    const m = TRACEPARENT.exec(seen.tp ?? '')
    expect(m).not.toBeNull()
    expect(m?.[1]).toBe(seen.traceId)
    expect(m?.[2]).toBe(seen.spanId)
    expect(seen.tp?.endsWith('-01')).toBe(true)
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['outer'])
  })

  it('the context survives awaits (AsyncLocalStorage), and nested spans are children of the active one', async () => {
    await withSpan('parent', async (parent) => {
      await new Promise((r) => setTimeout(r, 5))
      expect(currentTraceId()).toBe(parent.spanContext().traceId)
      await withSpan('nested', async () => {
        expect(currentTraceId()).toBe(parent.spanContext().traceId)
      })
    })
    const [nested, parent] = exporter.getFinishedSpans()
    expect(nested.name).toBe('nested')
    expect(nested.parentSpanId).toBe(parent.spanContext().spanId)
  })

  it('a child started from a traceparent shares its trace id and points at its span as parent', async () => {
    const tp = await withSpan('producer', () => currentTraceparent())
    const [, traceId, spanId] = TRACEPARENT.exec(tp ?? '') ?? []
    // Run from the root context, as a consumer handling a message would.
    const child = await context.with(ROOT_CONTEXT, () =>
      withSpan('consumer', () => ({ tp: currentTraceparent(), traceId: currentTraceId() }), {
        parentTraceparent: tp,
        kind: SpanKind.CONSUMER,
      }),
    )
    expect(child.traceId).toBe(traceId)
    expect(child.tp).toMatch(TRACEPARENT)
    expect(child.tp).not.toContain(spanId)
    const consumer = exporter.getFinishedSpans().find((s) => s.name === 'consumer')
    expect(consumer?.parentSpanId).toBe(spanId)
    expect(consumer?.kind).toBe(SpanKind.CONSUMER)
  })

  it('an invalid parentTraceparent starts a new trace instead of failing', async () => {
    const traceId = await context.with(ROOT_CONTEXT, () => withSpan('orphan', () => currentTraceId(), { parentTraceparent: 'garbage' }))
    expect(traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(exporter.getFinishedSpans()[0].parentSpanId).toBeUndefined()
  })

  it('an error thrown in withSpan is rethrown and recorded on the span', async () => {
    await expect(withSpan('boom', () => Promise.reject(new Error('kaput')))).rejects.toThrow('kaput')
    const [span] = exporter.getFinishedSpans()
    expect(span.status.code).toBe(2)
    expect(span.events.some((e) => e.name === 'exception')).toBe(true)
  })

  it('a second initTelemetry shares the provider; releasing it keeps tracing on for the first holder', async () => {
    const second = initTelemetry({ service: 'another-service' })
    await second.tracer('x').startActiveSpan('from-second', (span) => span.end())
    await second.shutdown()
    await withSpan('still-recorded', () => undefined)
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['from-second', 'still-recorded'])
    expect(trace.getTracerProvider()).toBeDefined()
  })
})
