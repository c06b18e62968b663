import { randomUUID } from 'node:crypto'
import amqp, { type Channel, type ChannelModel } from 'amqplib'
import { type EventEnvelope, InvalidEvent } from '@shop/contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRabbitBus, type RabbitBus } from '../src/bus-rabbitmq.ts'
import { createEvent } from '../src/events.ts'
import type { DeliveryInfo } from '../src/ports.ts'
import { eventually, serverAvailable, testAmqpUrl, uniqueName } from '../src/testing.ts'

const ok = await serverAvailable('rabbitmq')
const productUpdated = () => createEvent('test', 'product.updated', { productId: randomUUID(), fields: ['price'] })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const DELAYS = [30, 60]
const SERVICES = ['order', 'shipping', 'flaky', 'steady', 'billing', 'strict', 'slow', 'phoenix', 'retired']

describe.runIf(ok)('RabbitMQ event bus', () => {
  const prefix = `${uniqueName('busrmq')}.`
  let bus: RabbitBus
  let raw: ChannelModel
  let ch: Channel

  beforeAll(async () => {
    bus = await createRabbitBus({ url: testAmqpUrl(), prefix, retryDelaysMs: DELAYS })
    raw = await amqp.connect(testAmqpUrl())
    ch = await raw.createChannel()
  })

  afterAll(async () => {
    await bus?.close()
    if (!ch) return
    for (const s of SERVICES) {
      for (const q of [bus.names.queue(s), bus.names.dlq(s), ...DELAYS.map((d) => bus.names.retryQueue(s, d))]) {
        await ch.deleteQueue(q)
      }
    }
    await ch.deleteQueue(`${prefix}tap`)
    await ch.deleteExchange(bus.names.exchange)
    await ch.deleteExchange(bus.names.dlx)
    await raw.close()
  })

  const depth = async (queue: string) => (await ch.checkQueue(queue)).messageCount
  /** On a channel of its own: a missing queue closes the channel it was asked on. */
  const queueExists = async (queue: string) => {
    const probe = await raw.createChannel()
    probe.on('error', () => {})
    try {
      await probe.checkQueue(queue)
      await probe.close()
      return true
    } catch {
      return false
    }
  }

  it('delivers an event once to each subscribed service, with id, type, persistence and traceparent on the message', async () => {
    const tap = `${prefix}tap`
    await ch.assertQueue(tap, { durable: false })
    await ch.bindQueue(tap, bus.names.exchange, 'product.updated')
    const got: Record<string, string[]> = { order: [], shipping: [] }
    const subs = await Promise.all(
      ['order', 'shipping'].map((service) =>
        bus.subscribe({ service, types: ['product.updated'], handler: async (e) => void got[service].push(e.id) }),
      ),
    )
    const event = { ...productUpdated(), traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }
    await bus.publish(event)
    await eventually(() => got.order.length === 1 && got.shipping.length === 1)
    await sleep(100)
    expect(got).toEqual({ order: [event.id], shipping: [event.id] })

    const msg = await ch.get(tap, { noAck: true })
    if (!msg) throw new Error('nothing reached the tap queue')
    expect(msg.fields.routingKey).toBe('product.updated')
    expect(msg.properties.messageId).toBe(event.id)
    expect(msg.properties.type).toBe('product.updated')
    expect(msg.properties.deliveryMode).toBe(2)
    expect(msg.properties.headers?.traceparent).toBe(event.traceparent)
    expect(JSON.parse(msg.content.toString())).toEqual(event)
    for (const s of subs) await s.stop()
  })

  it('refuses an invalid event on publish and sends nothing', async () => {
    const tap = `${prefix}tap`
    await ch.purgeQueue(tap)
    const bad = { ...productUpdated(), data: { productId: 'nope', fields: [] } } as unknown as EventEnvelope
    await expect(bus.publish(bad)).rejects.toBeInstanceOf(InvalidEvent)
    await sleep(100)
    expect(await depth(tap)).toBe(0)
  })

  it('retries a failing handler through the failing service only, with a growing attempt count', async () => {
    const attempts: DeliveryInfo[] = []
    let steadyCalls = 0
    const flaky = await bus.subscribe({
      service: 'flaky',
      types: ['product.updated'],
      handler: async (_e, info) => {
        attempts.push(info)
        if (info.attempt < 3) throw new Error('boom')
      },
    })
    const steady = await bus.subscribe({ service: 'steady', types: ['product.updated'], handler: async () => void steadyCalls++ })
    await bus.publish(productUpdated())
    await eventually(() => attempts.length === 3)
    await sleep(200)
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3])
    expect(attempts[1].redelivered).toBe(true)
    expect(steadyCalls).toBe(1)
    expect(await depth(bus.names.dlq('flaky'))).toBe(0)
    await flaky.stop()
    await steady.stop()
  })

  it('dead-letters a message that always fails into <prefix><service>.dlq, and replayDlq moves it back', async () => {
    let healthy = false
    const seen: number[] = []
    const sub = await bus.subscribe({
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
    await eventually(async () => (await depth(`${prefix}billing.dlq`)) === 1)
    expect(seen).toEqual([1, 2, 3])
    expect(await bus.dlqDepth('billing')).toEqual({ count: 1 })
    expect(await depth(bus.names.queue('billing'))).toBe(0)
    const letter = await ch.get(`${prefix}billing.dlq`, { noAck: false })
    if (!letter) throw new Error('no dead letter')
    expect(letter.properties.headers?.['x-last-error']).toBe('always fails')
    expect(letter.properties.messageId).toBe(event.id)
    ch.nack(letter, false, true)

    healthy = true
    await eventually(async () => (await depth(`${prefix}billing.dlq`)) === 1)
    expect(await bus.replayDlq('billing')).toBe(1)
    await eventually(() => seen.length === 4)
    expect(seen).toEqual([1, 2, 3, 1])
    expect(await bus.dlqDepth('billing')).toEqual({ count: 0 })
    expect(await bus.dlqDepth('never-subscribed')).toEqual({ count: 0 })
    await sub.stop()
  })

  it('sends a message that fails envelope validation on consume straight to the DLQ', async () => {
    let calls = 0
    const sub = await bus.subscribe({ service: 'strict', types: ['product.updated'], handler: async () => void calls++ })
    const bad = { ...productUpdated(), data: { productId: 42 } }
    ch.publish(bus.names.exchange, 'product.updated', Buffer.from(JSON.stringify(bad)), { persistent: true })
    ch.publish(bus.names.exchange, 'product.updated', Buffer.from('not json'), { persistent: true })
    await eventually(async () => (await depth(bus.names.dlq('strict'))) === 2)
    expect(calls).toBe(0)
    await sub.stop()
  })

  it('bounds concurrency by prefetch, and stop() waits for the handlers in flight', async () => {
    let running = 0
    let peak = 0
    let done = 0
    const sub = await bus.subscribe({
      service: 'slow',
      types: ['product.updated'],
      prefetch: 2,
      handler: async () => {
        running++
        peak = Math.max(peak, running)
        await sleep(150)
        running--
        done++
      },
    })
    await Promise.all(Array.from({ length: 5 }, () => bus.publish(productUpdated())))
    await eventually(() => done >= 1)
    await sub.stop()
    expect(running).toBe(0)
    expect(peak).toBe(2)
    // Whatever was not handled is back in the queue, none lost.
    await eventually(async () => (await depth(bus.names.queue('slow'))) === 5 - done)
  })

  it('re-subscribes by itself when the server cancels the consumer (its queue was deleted)', async () => {
    const got: string[] = []
    const sub = await bus.subscribe({ service: 'phoenix', types: ['product.updated'], handler: async (e) => void got.push(e.id) })
    await ch.deleteQueue(bus.names.queue('phoenix'))
    await eventually(() => queueExists(bus.names.queue('phoenix')))
    await sleep(100)
    const event = productUpdated()
    await bus.publish(event)
    await eventually(() => got.length === 1)
    expect(got).toEqual([event.id])
    await sub.stop()
  })

  it('a type a service no longer handles is unbound from its queue when it subscribes without it', async () => {
    const queue = bus.names.queue('retired')
    const old = await bus.subscribe({ service: 'retired', types: ['product.updated', 'inventory.low'], handler: async () => {} })
    await old.stop()
    // The earlier version's binding routes product.updated to the queue while nobody consumes.
    await bus.publish(productUpdated())
    await eventually(async () => (await depth(queue)) === 1)
    await ch.purgeQueue(queue)

    const other = await createRabbitBus({ url: testAmqpUrl(), prefix, retryDelaysMs: DELAYS })
    try {
      const now = await other.subscribe({ service: 'retired', types: ['inventory.low'], handler: async () => {} })
      await now.stop()
    } finally {
      await other.close()
    }
    await bus.publish(productUpdated())
    await bus.publish(createEvent('test', 'inventory.low', { productId: randomUUID(), available: 1 }))
    await eventually(async () => (await depth(queue)) === 1)
    await sleep(200)
    const msg = await ch.get(queue, { noAck: true })
    expect(msg && msg.properties.type).toBe('inventory.low')
    expect(await depth(queue)).toBe(0)
  })

  it('answers ping while connected and refuses once closed', async () => {
    const other = await createRabbitBus({ url: testAmqpUrl(), prefix })
    await other.ping()
    expect(other.isConnected()).toBe(true)
    await other.close()
    await expect(other.ping()).rejects.toThrow(/not connected/)
    await expect(other.publish(productUpdated())).rejects.toThrow(/closed/)
  })
})
