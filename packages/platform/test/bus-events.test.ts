import { randomUUID } from 'node:crypto'
import { context, propagation, trace, TraceFlags } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { assertValidEvent } from '@shop/contracts'
import { describe, expect, it } from 'vitest'
import { createMemoryBus } from '../src/bus-memory.ts'
import { createEvent, runInEventContext } from '../src/events.ts'

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
const data = () => ({ productId: randomUUID(), fields: ['price'] })

/** Runs fn inside an active (remote) span context, as an HTTP request handler would. */
function inTrace<R>(fn: () => R): R {
  const ctx = trace.setSpanContext(context.active(), {
    traceId: TRACE_ID,
    spanId: '00f067aa0ba902b7',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  })
  return context.with(ctx, fn)
}

describe('event envelopes and trace context', () => {
  it('builds a valid envelope with a v4 id, an ISO timestamp and no traceparent when no propagator is set', () => {
    const event = inTrace(() => createEvent('catalog', 'product.updated', data()))
    expect(() => assertValidEvent(event)).not.toThrow()
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(new Date(event.occurredAt).toISOString()).toBe(event.occurredAt)
    expect(event).toMatchObject({ type: 'product.updated', version: 1, source: 'catalog' })
    expect(event).not.toHaveProperty('traceparent')
    expect(runInEventContext(event, () => 'ran')).toBe('ran')
  })

  it('takes id and occurredAt when given', () => {
    const id = randomUUID()
    const event = createEvent('catalog', 'product.updated', data(), { id, occurredAt: new Date('2024-05-01T00:00:00Z') })
    expect(event.id).toBe(id)
    expect(event.occurredAt).toBe('2024-05-01T00:00:00.000Z')
  })

  it('with a W3C propagator, carries the active trace into the envelope and back into handlers', async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
    propagation.setGlobalPropagator(new W3CTraceContextPropagator())
    try {
      expect(createEvent('catalog', 'product.updated', data())).not.toHaveProperty('traceparent')
      const event = inTrace(() => createEvent('catalog', 'product.updated', data()))
      expect(event.traceparent).toBe(`00-${TRACE_ID}-00f067aa0ba902b7-01`)
      const seen = runInEventContext(event, () => trace.getSpanContext(context.active())?.traceId)
      expect(seen).toBe(TRACE_ID)

      const bus = createMemoryBus()
      const inHandler: Array<string | undefined> = []
      await bus.subscribe({
        service: 'audit',
        types: ['product.updated'],
        handler: async () => void inHandler.push(trace.getSpanContext(context.active())?.traceId),
      })
      await bus.publish(event)
      await bus.idle()
      expect(inHandler).toEqual([TRACE_ID])
      await bus.close()
    } finally {
      propagation.disable()
      context.disable()
    }
  })
})
