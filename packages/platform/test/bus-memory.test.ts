import { randomUUID } from 'node:crypto'
import { type EventEnvelope, InvalidEvent } from '@shop/contracts'
import { describe, expect, it } from 'vitest'
import { createMemoryBus } from '../src/bus-memory.ts'
import { createEvent } from '../src/events.ts'
import type { DeliveryInfo } from '../src/ports.ts'
import { eventually } from '../src/testing.ts'

const productUpdated = () => createEvent('test', 'product.updated', { productId: randomUUID(), fields: ['price'] })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('memory event bus', () => {
  it('delivers each event once to every subscribed service, never inside publish', async () => {
    const bus = createMemoryBus()
    const got: Record<string, string[]> = { order: [], shipping: [] }
    for (const service of ['order', 'shipping']) {
      await bus.subscribe({ service, types: ['product.updated'], handler: async (e) => void got[service].push(e.id) })
    }
    const event = productUpdated()
    await bus.publish(event)
    expect(got.order).toEqual([])
    await bus.idle()
    expect(got).toEqual({ order: [event.id], shipping: [event.id] })
    await bus.close()
  })

  it('routes by type: a service gets only the types it subscribed to', async () => {
    const bus = createMemoryBus()
    const got: string[] = []
    await bus.subscribe({ service: 'shipping', types: ['payment.completed'], handler: async (e) => void got.push(e.type) })
    await bus.publish(productUpdated())
    await bus.idle()
    expect(got).toEqual([])
    await bus.close()
  })

  it('hands each handler its own copy, so a mutating handler cannot change what others see', async () => {
    const bus = createMemoryBus()
    const seen: string[][] = []
    const handler = async (e: EventEnvelope) => {
      const data = e.data as { fields: string[] }
      seen.push([...data.fields])
      data.fields.push('mutated')
    }
    await bus.subscribe({ service: 'a', types: ['product.updated'], handler })
    await bus.subscribe({ service: 'b', types: ['product.updated'], handler })
    const event = productUpdated()
    await bus.publish(event)
    await bus.idle()
    expect(seen).toEqual([['price'], ['price']])
    expect(event.data.fields).toEqual(['price'])
    await bus.close()
  })

  it('keeps events for a service whose queue exists even while it has no consumer, but not before its first subscribe', async () => {
    const bus = createMemoryBus()
    const got: string[] = []
    const handler = async (e: EventEnvelope) => void got.push(e.id)
    const early = productUpdated()
    await bus.publish(early)
    const sub = await bus.subscribe({ service: 'order', types: ['product.updated'], handler })
    await bus.idle()
    expect(got).toEqual([])
    await sub.stop()
    const whileStopped = productUpdated()
    await bus.publish(whileStopped)
    await bus.idle()
    expect(got).toEqual([])
    await bus.subscribe({ service: 'order', types: ['product.updated'], handler })
    await bus.idle()
    expect(got).toEqual([whileStopped.id])
    await bus.close()
  })

  it('retries a failing handler with a growing attempt count, and only for the failing service', async () => {
    const bus = createMemoryBus({ retryDelaysMs: [10, 20] })
    const attempts: DeliveryInfo[] = []
    let okCalls = 0
    await bus.subscribe({
      service: 'flaky',
      types: ['product.updated'],
      handler: async (_e, info) => {
        attempts.push(info)
        if (info.attempt < 3) throw new Error('boom')
      },
    })
    await bus.subscribe({ service: 'steady', types: ['product.updated'], handler: async () => void okCalls++ })
    await bus.publish(productUpdated())
    await bus.idle()
    expect(attempts).toEqual([
      { attempt: 1, redelivered: false },
      { attempt: 2, redelivered: true },
      { attempt: 3, redelivered: true },
    ])
    expect(okCalls).toBe(1)
    expect(bus.deadLetters('flaky')).toEqual([])
    await bus.close()
  })

  it('dead-letters a message that always fails after maxAttempts, and replayDlq moves it back', async () => {
    const bus = createMemoryBus({ retryDelaysMs: [5] })
    let healthy = false
    const seen: number[] = []
    await bus.subscribe({
      service: 'billing',
      types: ['product.updated'],
      maxAttempts: 3,
      handler: async (_e, info) => {
        seen.push(info.attempt)
        if (!healthy) throw new Error('always fails')
      },
    })
    const event = productUpdated()
    await bus.publish(event)
    await bus.idle()
    expect(seen).toEqual([1, 2, 3])
    expect(bus.deadLetters('billing').map((e) => e.id)).toEqual([event.id])
    expect(await bus.dlqDepth('billing')).toEqual({ count: 1 })

    healthy = true
    expect(await bus.replayDlq('billing')).toBe(1)
    await bus.idle()
    expect(seen).toEqual([1, 2, 3, 1])
    expect(await bus.dlqDepth('billing')).toEqual({ count: 0 })
    expect(await bus.replayDlq('billing')).toBe(0)
    await bus.close()
  })

  it('refuses an invalid event on publish and delivers nothing', async () => {
    const bus = createMemoryBus()
    const got: string[] = []
    await bus.subscribe({ service: 'order', types: ['product.updated'], handler: async (e) => void got.push(e.id) })
    const bad = { ...productUpdated(), data: { productId: 'not-a-uuid', fields: ['price'] } }
    await expect(bus.publish(bad as EventEnvelope)).rejects.toBeInstanceOf(InvalidEvent)
    await expect(bus.publish({ ...productUpdated(), type: 'nope' } as unknown as EventEnvelope)).rejects.toBeInstanceOf(InvalidEvent)
    await bus.idle()
    expect(got).toEqual([])
    await bus.close()
  })

  it('runs at most `prefetch` handlers of a service at once', async () => {
    const bus = createMemoryBus()
    let running = 0
    let peak = 0
    let done = 0
    await bus.subscribe({
      service: 'slow',
      types: ['product.updated'],
      prefetch: 2,
      handler: async () => {
        running++
        peak = Math.max(peak, running)
        await sleep(20)
        running--
        done++
      },
    })
    for (let i = 0; i < 6; i++) await bus.publish(productUpdated())
    await bus.idle()
    expect(done).toBe(6)
    expect(peak).toBe(2)
    await bus.close()
  })

  it('stop() waits for the handler in flight and takes nothing new', async () => {
    const bus = createMemoryBus()
    const started: string[] = []
    const finished: string[] = []
    const sub = await bus.subscribe({
      service: 'order',
      types: ['product.updated'],
      prefetch: 1,
      handler: async (e) => {
        started.push(e.id)
        await sleep(50)
        finished.push(e.id)
      },
    })
    const first = productUpdated()
    await bus.publish(first)
    await bus.publish(productUpdated())
    await eventually(() => started.length === 1)
    await sub.stop()
    expect(finished).toEqual([first.id])
    await sleep(20)
    expect(started).toEqual([first.id])
    await bus.close()
  })

  it('rejects a second subscription of one service with other types, and bad options', async () => {
    const bus = createMemoryBus()
    const handler = async () => {}
    await bus.subscribe({ service: 'order', types: ['product.updated'], handler })
    await expect(bus.subscribe({ service: 'order', types: ['payment.completed'], handler })).rejects.toThrow(/other event types/)
    await expect(bus.subscribe({ service: 'order', types: [], handler })).rejects.toThrow(/no event types/)
    await expect(bus.subscribe({ service: 'x', types: ['no.such' as 'product.updated'], handler })).rejects.toThrow(/unknown event types/)
    await bus.close()
    await expect(bus.ping()).rejects.toThrow(/closed/)
    await expect(bus.publish(productUpdated())).rejects.toThrow(/closed/)
  })
})
