import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type Message, type Options } from 'amqplib'
import { assertValidEvent, EVENT_TYPES, type EventEnvelope } from '@shop/contracts'
import { checkSubscription, DEFAULT_MAX_ATTEMPTS, DEFAULT_PREFETCH, DEFAULT_RETRY_DELAYS_MS, errorMessage } from './events.ts'
import { type MessagingLogger, processEvent, retryDelayMs, sameTypes, silentLogger } from './events.ts'
import type { EventBus, SubscribeOptions, Subscription } from './ports.ts'

/**
 * The RabbitMQ event bus. Topology (all names carry `prefix`): topic exchange
 * `shop.events` (routing key = event type); per consuming service a durable queue
 * `<service>.events`, one retry queue per backoff delay `<service>.retry.<ms>ms` whose
 * TTL dead-letters back into that service's queue only, and `<service>.dlq` bound on
 * the direct exchange `shop.events.dlx`. Retries and dead letters are confirmed
 * publishes made before the original is acked, so a crash in between duplicates a
 * message but never loses one. The connection recovers by itself; the first connect
 * must succeed so a wrong URL or password fails the boot.
 */

export interface RabbitBusOptions {
  url: string
  /** Put in front of every exchange and queue name so parallel tests never share them. */
  prefix?: string
  logger?: MessagingLogger
  retryDelaysMs?: readonly number[]
  /** How long publish waits for the connection and the broker's confirm (default 5 s). */
  publishTimeoutMs?: number
  /** Reconnect backoff bounds (default 100 ms doubling up to 5 s). */
  reconnectMinMs?: number
  reconnectMaxMs?: number
  /**
   * Bound on setting up a connection, its publish channel and each consumer (declaring queues,
   * binding, consuming); a broker that accepts the connection but stops answering is dropped
   * and the connection made again, instead of a start or a subscribe that never returns
   * (default 10 s).
   */
  setupTimeoutMs?: number
  /** AMQP heartbeat so a silent network cut is noticed (default 10 s). */
  heartbeatSeconds?: number
}

export interface RabbitBus extends EventBus {
  dlqDepth(service: string): Promise<{ count: number }>
  /** Moves the service's dead letters back to its queue with the attempt counter reset; returns how many. */
  replayDlq(service: string): Promise<number>
  dlqOldestAgeSeconds(service: string): Promise<number | null>
  isConnected(): boolean
  /** The exchange and queue names it declares, for tests and admin tools. */
  readonly names: ReturnType<typeof topologyNames>
}

const topologyNames = (prefix: string) => ({
  exchange: `${prefix}shop.events`,
  dlx: `${prefix}shop.events.dlx`,
  queue: (service: string) => `${prefix}${service}.events`,
  dlq: (service: string) => `${prefix}${service}.dlq`,
  retryQueue: (service: string, delayMs: number) => `${prefix}${service}.retry.${delayMs}ms`,
})

interface Sub {
  opts: SubscribeOptions
  types: Set<string>
  maxAttempts: number
  channel: Channel | null
  consumerTag: string | null
  stopped: boolean
  inFlight: Set<Promise<void>>
}

/** When the message's event occurred: its envelope's occurredAt, else the publish timestamp (seconds). */
function occurredAtMs(msg: Message): number {
  try {
    const at = Date.parse((JSON.parse(msg.content.toString('utf8')) as { occurredAt?: string }).occurredAt ?? '')
    if (!Number.isNaN(at)) return at
  } catch {}
  const ts = Number(msg.properties.timestamp)
  return Number.isFinite(ts) && ts > 0 ? ts * 1000 : Date.now()
}

/** Runs a best-effort cleanup (closing what may already be closed), ignoring its failure. */
const quiet = (fn: () => Promise<unknown>): Promise<void> => Promise.resolve().then(fn).then(() => {}, () => {})

/** The broker did not answer a step of setting up a connection or a consumer in time. */
class SetupTimeout extends Error {}

/**
 * Rejects with `message` when the promise has not settled within ms (a SetupTimeout when
 * `setup`). The promise runs on; its own later failure is nobody's to handle.
 */
async function withTimeout<T>(promise: Promise<T>, ms: number, message: string, setup = false): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  promise.catch(() => {})
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(setup ? new SetupTimeout(message) : new Error(message)), Math.max(0, ms))
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Connects (the first attempt must succeed), declares the exchanges and returns a self-healing bus. */
export async function createRabbitBus(opts: RabbitBusOptions): Promise<RabbitBus> {
  const logger = opts.logger ?? silentLogger
  const delays = opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS
  const publishTimeoutMs = opts.publishTimeoutMs ?? 5000
  const minMs = opts.reconnectMinMs ?? 100
  const maxMs = opts.reconnectMaxMs ?? 5000
  const setupTimeoutMs = opts.setupTimeoutMs ?? 10_000
  const url = new URL(opts.url)
  if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(opts.heartbeatSeconds ?? 10))
  const names = topologyNames(opts.prefix ?? '')

  let conn: ChannelModel | null = null
  /** Set only once the connection is fully set up: non-null means connected. */
  let pubCh: ConfirmChannel | null = null
  let started = false
  let closing = false
  let reconnecting = false
  let wakeSleep: (() => void) | null = null
  const waiters = new Set<() => void>()
  const subs = new Set<Sub>()

  function lost(c: ChannelModel) {
    if (conn !== c) return
    conn = null
    pubCh = null
    for (const sub of subs) sub.channel = sub.consumerTag = null
    if (closing || !started) return
    logger.warn({}, 'rabbitmq connection lost, reconnecting')
    void reconnectLoop()
  }

  /** A channel that broke on its own (protocol error, consumer cancelled): start over on a fresh connection. */
  function recycle(c: ChannelModel, reason: string) {
    if (conn !== c || closing) return
    logger.warn({ reason }, 'rabbitmq channel lost, reconnecting')
    void quiet(() => c.close())
  }

  async function reconnectLoop() {
    if (reconnecting) return
    reconnecting = true
    for (let delay = minMs; !closing; delay = Math.min(maxMs, delay * 2)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => wakeSleep?.(), delay)
        wakeSleep = () => {
          clearTimeout(timer)
          wakeSleep = null
          resolve()
        }
      })
      if (closing) break
      try {
        await open()
        logger.info({}, 'rabbitmq reconnected')
        break
      } catch (err) {
        logger.warn({ err: errorMessage(err) }, 'rabbitmq reconnect failed')
      }
    }
    reconnecting = false
  }

  /**
   * Drops a connection from this side at once, whatever the broker does: closing it politely
   * would wait for an answer from a broker that has stopped answering. Its 'close' follows,
   * and with it the reconnect.
   */
  function abandon(c: ChannelModel, reason: string) {
    logger.warn({ reason }, 'rabbitmq stopped answering, dropping the connection')
    const stream = (c as unknown as { connection?: { stream?: { destroy(err?: Error): void } } }).connection?.stream
    if (stream) stream.destroy(new Error(reason))
    else void quiet(() => c.close())
  }

  async function open(): Promise<void> {
    const connecting = amqp.connect(url.toString(), { timeout: 5000 })
    let c: ChannelModel
    try {
      c = await withTimeout(connecting, setupTimeoutMs, `rabbitmq did not complete the connection within ${setupTimeoutMs} ms`, true)
    } catch (err) {
      // one that completes after all is closed, not leaked
      void connecting.then((late) => quiet(() => late.close()), () => {})
      throw err
    }
    let alive = true
    conn = c
    c.on('error', (err) => logger.warn({ err: errorMessage(err) }, 'rabbitmq connection error'))
    c.on('close', () => {
      alive = false
      lost(c)
    })
    try {
      if (closing) throw new Error('event bus is closed')
      const setUp = async () => {
        const ch = await c.createConfirmChannel()
        ch.on('error', (err) => logger.warn({ err: errorMessage(err) }, 'rabbitmq publish channel error'))
        ch.on('close', () => recycle(c, 'publish channel closed'))
        await ch.assertExchange(names.exchange, 'topic', { durable: true })
        await ch.assertExchange(names.dlx, 'direct', { durable: true })
        return ch
      }
      const ch = await withTimeout(setUp(), setupTimeoutMs, `rabbitmq did not answer the connection's setup within ${setupTimeoutMs} ms`, true)
      for (const sub of subs) if (!sub.stopped) await attach(sub, c)
      if (!alive) throw new Error('connection closed during setup')
      pubCh = ch
      started = true
      for (const wake of waiters) wake()
    } catch (err) {
      if (conn === c) conn = null
      if (err instanceof SetupTimeout) abandon(c, err.message)
      else await quiet(() => c.close())
      throw err
    }
  }

  /** Declares the service's queues and starts its consumer on a channel of its own. */
  async function attach(sub: Sub, c: ChannelModel): Promise<void> {
    const { service } = sub.opts
    const ch = await withTimeout(c.createChannel(), setupTimeoutMs, `rabbitmq did not open ${service}'s consumer channel within ${setupTimeoutMs} ms`, true)
    ch.on('error', (err) => logger.warn({ service, err: errorMessage(err) }, 'rabbitmq consumer channel error'))
    ch.on('close', () => sub.channel === ch && !sub.stopped && recycle(c, 'consumer channel closed'))
    try {
      await withTimeout(declareAndConsume(sub, c, ch), setupTimeoutMs, `rabbitmq did not answer ${service}'s consumer setup within ${setupTimeoutMs} ms`, true)
    } catch (err) {
      if (sub.channel === ch) sub.channel = null
      // a broker that stopped answering would not answer the channel's close either
      if (!(err instanceof SetupTimeout)) await quiet(() => ch.close())
      throw err
    }
  }

  /** The consumer's queues, bindings and prefetch, then the consumer itself. */
  async function declareAndConsume(sub: Sub, c: ChannelModel, ch: Channel): Promise<void> {
    const { service } = sub.opts
    const queue = names.queue(service)
    const deadLetterTo = { 'x-dead-letter-exchange': names.dlx, 'x-dead-letter-routing-key': service }
    await ch.assertQueue(queue, { durable: true, arguments: deadLetterTo })
    for (const type of sub.types) await ch.bindQueue(queue, names.exchange, type)
    // The queue hears exactly the types handled: a binding an earlier version left (a type
    // the service stopped consuming) would still fill it with messages only to be dropped.
    for (const type of EVENT_TYPES) if (!sub.types.has(type)) await ch.unbindQueue(queue, names.exchange, type)
    await ch.assertQueue(names.dlq(service), { durable: true })
    await ch.bindQueue(names.dlq(service), names.dlx, service)
    const used = new Set(Array.from({ length: sub.maxAttempts - 1 }, (_, i) => retryDelayMs(delays, i + 1)))
    for (const ms of used) {
      const backToQueue = { 'x-message-ttl': ms, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue }
      await ch.assertQueue(names.retryQueue(service, ms), { durable: true, arguments: backToQueue })
    }
    await ch.prefetch(sub.opts.prefetch ?? DEFAULT_PREFETCH)
    sub.channel = ch
    sub.consumerTag = (await ch.consume(queue, (msg) => onMessage(sub, c, ch, msg))).consumerTag
  }

  function onMessage(sub: Sub, c: ChannelModel, ch: Channel, msg: Message | null) {
    // amqplib hands null when the server cancelled the consumer (its queue was deleted).
    if (msg === null) return void (sub.channel === ch && recycle(c, 'consumer cancelled by the server'))
    if (sub.stopped) return settle(ch, msg, 'requeue')
    const p = handle(sub, ch, msg).catch((err) => logger.error({ err: errorMessage(err) }, 'rabbitmq delivery failed'))
    sub.inFlight.add(p)
    void p.finally(() => sub.inFlight.delete(p))
  }

  /** Acks or requeues; a no-op when the channel died, since the broker then redelivers by itself. */
  function settle(ch: Channel, msg: Message, how: 'ack' | 'requeue') {
    try {
      if (how === 'ack') ch.ack(msg)
      else ch.nack(msg, false, true)
    } catch {}
  }

  async function handle(sub: Sub, ch: Channel, msg: Message): Promise<void> {
    const { service } = sub.opts
    const attempt = Math.max(1, Number(msg.properties.headers?.['x-attempt'] ?? 1) || 1)
    let event: EventEnvelope
    try {
      const raw: unknown = JSON.parse(msg.content.toString('utf8'))
      assertValidEvent(raw)
      event = raw
    } catch (err) {
      logger.error({ service, messageId: msg.properties.messageId, err: errorMessage(err) }, 'invalid event dead-lettered')
      return forward(ch, msg, names.dlx, service, attempt, err)
    }
    if (!sub.types.has(event.type)) {
      // A binding left from an earlier deployment: nobody here handles the type any more.
      logger.warn({ service, type: event.type }, 'dropping an event type the consumer does not handle')
      return settle(ch, msg, 'ack')
    }
    try {
      const redelivered = msg.fields.redelivered || attempt > 1
      await processEvent(service, event, () => sub.opts.handler(event, { attempt, redelivered }))
      return settle(ch, msg, 'ack')
    } catch (err) {
      const log = { service, type: event.type, eventId: event.id, attempt, err: errorMessage(err) }
      if (attempt >= sub.maxAttempts) {
        logger.error(log, 'event handler failed for the last time, dead-lettered')
        return forward(ch, msg, names.dlx, service, attempt, err)
      }
      logger.warn(log, 'event handler failed, will retry')
      return forward(ch, msg, '', names.retryQueue(service, retryDelayMs(delays, attempt)), attempt + 1, err)
    }
  }

  /** Republishes the message (confirmed) to a retry queue or the DLQ, then acks the original. */
  async function forward(ch: Channel, msg: Message, exchange: string, routingKey: string, attempt: number, err: unknown) {
    try {
      await confirmPublish(exchange, routingKey, msg.content, copyProps(msg, { 'x-attempt': attempt, 'x-last-error': errorMessage(err) }))
      settle(ch, msg, 'ack')
    } catch (pubErr) {
      logger.warn({ err: errorMessage(pubErr) }, 'could not move a failed message, it will be delivered again')
      settle(ch, msg, 'requeue')
    }
  }

  /** The original's properties with our headers; broker-set ones (x-death) stay behind. */
  function copyProps(msg: Message, headers: Record<string, unknown>): Options.Publish {
    const { contentType, messageId, type, timestamp, appId, headers: old } = msg.properties
    const traceparent = old?.traceparent
    return { persistent: true, contentType, messageId, type, timestamp, appId, headers: traceparent ? { ...headers, traceparent } : headers }
  }

  /** The publish channel, waiting for a reconnect until the deadline. */
  async function waitConnected(deadline: number): Promise<ConfirmChannel> {
    if (!pubCh && !closing) {
      let wake = () => {}
      const connected = new Promise<void>((resolve) => waiters.add((wake = resolve)))
      await withTimeout(connected, deadline - Date.now(), 'rabbitmq is not reachable').finally(() => waiters.delete(wake))
    }
    if (!pubCh) throw new Error(closing ? 'event bus is closed' : 'rabbitmq is not reachable')
    return pubCh
  }

  /** Publishes and waits for the broker's confirm, across a reconnect, until the deadline. */
  async function confirmPublish(exchange: string, routingKey: string, content: Buffer, props: Options.Publish) {
    const deadline = Date.now() + publishTimeoutMs
    for (;;) {
      if (closing) throw new Error('event bus is closed')
      const ch = await waitConnected(deadline)
      try {
        const confirmed = new Promise<void>((resolve, reject) => {
          ch.publish(exchange, routingKey, content, props, (err) => (err ? reject(err) : resolve()))
        })
        return await withTimeout(confirmed, deadline - Date.now(), `rabbitmq did not confirm within ${publishTimeoutMs} ms`)
      } catch (err) {
        // The channel died under us: try again on the next connection while time is left.
        if (pubCh === ch || Date.now() >= deadline) throw err
      }
    }
  }

  async function withChannel<T>(fn: (ch: Channel) => Promise<T>): Promise<T> {
    const c = conn
    if (!c || !pubCh) throw new Error('rabbitmq is not connected')
    const ch = await c.createChannel()
    ch.on('error', () => {})
    try {
      return await fn(ch)
    } finally {
      await quiet(() => ch.close())
    }
  }

  /** Dead letters waiting for the service; 0 when it never subscribed (no DLQ yet). */
  async function dlqCount(ch: Channel, service: string): Promise<number> {
    return messageCount(ch, names.dlq(service))
  }

  /** Messages ready in a queue; 0 when it does not exist (yet). */
  async function messageCount(ch: Channel, queue: string): Promise<number> {
    try {
      return (await ch.checkQueue(queue)).messageCount
    } catch (err) {
      if ((err as { code?: number }).code === 404) return 0
      throw err
    }
  }

  async function stopSub(sub: Sub) {
    sub.stopped = true
    const ch = sub.channel
    if (ch && sub.consumerTag) await quiet(() => ch.cancel(sub.consumerTag as string))
    await Promise.allSettled([...sub.inFlight])
    sub.channel = null
    sub.consumerTag = null
    if (ch) await quiet(() => ch.close())
    subs.delete(sub)
  }

  await open()

  return {
    names,
    isConnected: () => pubCh !== null,

    async publish(event) {
      if (closing) throw new Error('event bus is closed')
      assertValidEvent(event)
      const headers = event.traceparent ? { traceparent: event.traceparent } : {}
      const timestamp = Math.floor(Date.parse(event.occurredAt) / 1000)
      const props = { persistent: true, contentType: 'application/json', messageId: event.id, type: event.type, appId: event.source }
      await confirmPublish(names.exchange, event.type, Buffer.from(JSON.stringify(event)), { ...props, timestamp, headers })
    },

    async subscribe(s): Promise<Subscription> {
      if (closing) throw new Error('event bus is closed')
      checkSubscription(s)
      if ([...subs].some((o) => o.opts.service === s.service && !sameTypes(o.types, s.types))) {
        throw new Error(`service ${s.service} is already subscribed here with other event types`)
      }
      await waitConnected(Date.now() + publishTimeoutMs)
      const c = conn as ChannelModel
      const types = new Set(s.types)
      const maxAttempts = s.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
      const sub: Sub = { opts: s, types, maxAttempts, channel: null, consumerTag: null, stopped: false, inFlight: new Set() }
      subs.add(sub)
      try {
        await attach(sub, c)
      } catch (err) {
        // The broker stopped answering: the connection is made again, and that attaches it.
        if (err instanceof SetupTimeout && conn === c) {
          abandon(c, err.message)
          return { stop: () => stopSub(sub) }
        }
        // Lost the connection meanwhile: the reconnect attaches it. Otherwise the broker refused.
        if (conn === c && pubCh) {
          subs.delete(sub)
          throw err
        }
      }
      return { stop: () => stopSub(sub) }
    },

    async ping() {
      const ch = pubCh
      if (!ch) throw new Error('rabbitmq is not connected')
      await withTimeout(ch.checkExchange(names.exchange), 2000, 'rabbitmq ping timed out')
    },

    async close() {
      if (closing) return
      closing = true
      wakeSleep?.()
      await Promise.all([...subs].map(stopSub))
      for (const wake of waiters) wake()
      const c = conn
      conn = null
      pubCh = null
      if (c) await quiet(() => c.close())
    },

    async dlqDepth(service) {
      return withChannel(async (ch) => ({ count: await dlqCount(ch, service) }))
    },

    async queueDepth(service) {
      return withChannel((ch) => messageCount(ch, names.queue(service)))
    },

    async dlqOldestAgeSeconds(service) {
      return withChannel(async (ch) => {
        if ((await dlqCount(ch, service)) === 0) return null
        const msg = await ch.get(names.dlq(service), { noAck: false })
        if (!msg) return null
        // A look, not a consume: the broker puts a requeued message back where it was.
        ch.nack(msg, false, true)
        return Math.max(0, (Date.now() - occurredAtMs(msg)) / 1000)
      })
    },

    async replayDlq(service) {
      return withChannel(async (ch) => {
        // Bounded by the depth seen at the start, so letters that fail again are not replayed twice.
        const depth = await dlqCount(ch, service)
        let moved = 0
        for (let msg; moved < depth && (msg = await ch.get(names.dlq(service), { noAck: false })); moved++) {
          await confirmPublish('', names.queue(service), msg.content, copyProps(msg, { 'x-attempt': 1 }))
          ch.ack(msg)
        }
        return moved
      })
    },
  }
}
