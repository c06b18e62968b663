import { randomUUID } from 'node:crypto'
import amqp from 'amqplib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRabbitBus, type RabbitBus } from '../src/bus-rabbitmq.ts'
import { createEvent, DEFAULT_RETRY_DELAYS_MS } from '../src/events.ts'
import { eventually, serverAvailable, testAmqpUrl, uniqueName } from '../src/testing.ts'
import { startTcpProxy, type TcpProxy } from '../src/testing-proxy.ts'

const ok = await serverAvailable('rabbitmq')
const productUpdated = () => createEvent('test', 'product.updated', { productId: randomUUID(), fields: ['stock'] })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe.runIf(ok)('RabbitMQ bus recovery', () => {
  const prefix = `${uniqueName('busre')}.`
  let proxy: TcpProxy
  let proxied: RabbitBus
  let direct: RabbitBus
  const got: string[] = []

  beforeAll(async () => {
    const target = new URL(testAmqpUrl())
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5672) })
    const viaProxy = new URL(testAmqpUrl())
    viaProxy.hostname = '127.0.0.1'
    viaProxy.port = String(proxy.port)
    const common = { prefix, reconnectMinMs: 50, reconnectMaxMs: 300 }
    proxied = await createRabbitBus({ ...common, url: viaProxy.toString(), publishTimeoutMs: 1500 })
    direct = await createRabbitBus({ ...common, url: testAmqpUrl() })
    await proxied.subscribe({ service: 'tracker', types: ['product.updated'], handler: async (e) => void got.push(e.id) })
  })

  afterAll(async () => {
    await proxied?.close()
    await direct?.close()
    await proxy?.close()
    const conn = await amqp.connect(testAmqpUrl())
    const ch = await conn.createChannel()
    const { names } = direct
    const retries = DEFAULT_RETRY_DELAYS_MS.map((ms) => names.retryQueue('tracker', ms))
    for (const q of [names.queue('tracker'), names.dlq('tracker'), ...retries]) await ch.deleteQueue(q)
    await ch.deleteExchange(names.exchange)
    await ch.deleteExchange(names.dlx)
    await conn.close()
  })

  it('a subscription made before a network cut receives events published during and after it', async () => {
    const before = productUpdated()
    await proxied.publish(before)
    await eventually(() => got.includes(before.id))

    proxy.cut()
    await eventually(() => !proxied.isConnected())
    await expect(proxied.ping()).rejects.toThrow(/not connected/)

    // Published by another process while this consumer is cut off: the durable queue keeps it.
    const during = productUpdated()
    await direct.publish(during)
    await sleep(300)
    expect(got).not.toContain(during.id)

    proxy.restore()
    await eventually(() => proxied.isConnected(), { timeoutMs: 10_000 })
    await proxied.ping()
    const after = productUpdated()
    await proxied.publish(after)
    await eventually(() => got.includes(during.id) && got.includes(after.id), { timeoutMs: 10_000 })
  })

  it('publish during a cut waits for the reconnect and succeeds when the path returns within its timeout', async () => {
    proxy.cut()
    await eventually(() => !proxied.isConnected())
    const event = productUpdated()
    const pending = proxied.publish(event)
    await sleep(300)
    proxy.restore()
    await pending
    await eventually(() => got.includes(event.id), { timeoutMs: 10_000 })
  })

  it('publish during a cut that outlasts its timeout rejects, so the caller keeps the event', async () => {
    proxy.cut()
    await eventually(() => !proxied.isConnected())
    const event = productUpdated()
    await expect(proxied.publish(event)).rejects.toThrow(/not reachable|confirm/)
    proxy.restore()
    await eventually(() => proxied.isConnected(), { timeoutMs: 10_000 })
    await sleep(200)
    expect(got).not.toContain(event.id)
  })

  it('a broker that stops answering while a consumer is set up is dropped: subscribe returns, and the consumer is attached once the broker answers again', async () => {
    const target = new URL(testAmqpUrl())
    const own = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5672) })
    const viaOwn = new URL(testAmqpUrl())
    viaOwn.hostname = '127.0.0.1'
    viaOwn.port = String(own.port)
    // heartbeats far apart: only the setup bound can notice the silence here
    const bus = await createRabbitBus({ url: viaOwn.toString(), prefix, setupTimeoutMs: 500, heartbeatSeconds: 60, reconnectMinMs: 20, reconnectMaxMs: 100 })
    const seen: string[] = []
    try {
      own.freeze()
      // Without the bound this never returned: the broker's answers to the queue declarations are lost.
      await bus.subscribe({ service: 'frozen-tracker', types: ['product.updated'], handler: async (e) => void seen.push(e.id) })
      await eventually(() => !bus.isConnected())
      // Reconnects through a path that still says nothing time out as well; then it answers.
      await sleep(700)
      expect(bus.isConnected()).toBe(false)
      own.restore()
      await eventually(() => bus.isConnected(), { timeoutMs: 10_000 })
      const event = productUpdated()
      await direct.publish(event)
      await eventually(() => seen.includes(event.id), { timeoutMs: 10_000 })
    } finally {
      await bus.close()
      await own.close()
      const conn = await amqp.connect(testAmqpUrl())
      const ch = await conn.createChannel()
      const retries = DEFAULT_RETRY_DELAYS_MS.map((ms) => direct.names.retryQueue('frozen-tracker', ms))
      for (const q of [direct.names.queue('frozen-tracker'), direct.names.dlq('frozen-tracker'), ...retries]) await ch.deleteQueue(q)
      await conn.close()
    }
  })

  it('close() during an outage stops reconnecting and resolves', async () => {
    const viaProxy = new URL(testAmqpUrl())
    viaProxy.hostname = '127.0.0.1'
    viaProxy.port = String(proxy.port)
    const extra = await createRabbitBus({ url: viaProxy.toString(), prefix, reconnectMinMs: 20, reconnectMaxMs: 50 })
    proxy.cut()
    await eventually(() => !extra.isConnected())
    await extra.close()
    proxy.restore()
    await sleep(300)
    expect(extra.isConnected()).toBe(false)
    await expect(extra.publish(productUpdated())).rejects.toThrow(/closed/)
  })
})
