import { assertValidEvent, type EventEnvelope } from '@shop/contracts'
import {
  checkSubscription,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_PREFETCH,
  DEFAULT_RETRY_DELAYS_MS,
  errorMessage,
  type MessagingLogger,
  processEvent,
  retryDelayMs,
  sameTypes,
  silentLogger,
} from './events.ts'
import type { EventBus, EventHandler, SubscribeOptions, Subscription } from './ports.ts'

/**
 * The in-process event bus for embedded mode and tests, with the RabbitMQ adapter's
 * semantics: one queue per consuming service that exists from its first subscribe on
 * (events published before that are not kept for it, as with a queue not yet
 * declared), at-least-once delivery to every subscribed service, never inside
 * publish's call stack, prefetch-bounded concurrency, retries with backoff, then dead
 * letters. Messages travel as JSON copies, so neither side can mutate the other's object.
 */

export interface MemoryBusOptions {
  retryDelaysMs?: readonly number[]
  logger?: MessagingLogger
}

export interface MemoryBus extends EventBus {
  /** Copies of the events dead-lettered for the service, oldest first. */
  deadLetters(service: string): EventEnvelope[]
  dlqDepth(service: string): Promise<{ count: number }>
  /** Moves the service's dead letters back to its queue with the attempt counter reset; returns how many. */
  replayDlq(service: string): Promise<number>
  /** Resolves when nothing is in flight, waiting for a retry, or queued for a service that has a consumer. */
  idle(): Promise<void>
}

interface Message {
  /** The JSON copy as it would arrive from a broker: validated again on delivery. */
  raw: unknown
  attempt: number
  redelivered: boolean
}

interface Consumer {
  types: Set<string>
  handler: EventHandler
  maxAttempts: number
  prefetch: number
  inFlight: number
  stopped: boolean
  drained: Array<() => void>
}

interface Queue {
  service: string
  /** Bindings only grow, as on a durable RabbitMQ queue. */
  types: Set<string>
  pending: Message[]
  dead: Message[]
  consumers: Consumer[]
  next: number
  pumpScheduled: boolean
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

/** An in-process EventBus with the same delivery, retry and dead-letter rules as RabbitMQ. */
export function createMemoryBus(opts: MemoryBusOptions = {}): MemoryBus {
  const delays = opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS
  const logger = opts.logger ?? silentLogger
  const queues = new Map<string, Queue>()
  const retryTimers = new Set<NodeJS.Timeout>()
  let inFlight = 0
  let closed = false
  let idleWaiters: Array<() => void> = []

  const isIdle = () =>
    inFlight === 0 &&
    retryTimers.size === 0 &&
    [...queues.values()].every((q) => !q.pumpScheduled && (q.pending.length === 0 || q.consumers.length === 0))

  function checkIdle() {
    if (idleWaiters.length === 0 || !isIdle()) return
    const waiters = idleWaiters
    idleWaiters = []
    for (const resolve of waiters) resolve()
  }

  function schedulePump(queue: Queue) {
    if (queue.pumpScheduled) return
    queue.pumpScheduled = true
    setImmediate(() => {
      queue.pumpScheduled = false
      pump(queue)
      checkIdle()
    })
  }

  /** Round-robin over consumers with room under their prefetch, as the broker does. */
  function pickConsumer(queue: Queue): Consumer | undefined {
    const n = queue.consumers.length
    for (let i = 0; i < n; i++) {
      const c = queue.consumers[(queue.next + i) % n]
      if (c.inFlight < c.prefetch) {
        queue.next = (queue.next + i + 1) % n
        return c
      }
    }
    return undefined
  }

  function pump(queue: Queue) {
    while (queue.pending.length > 0) {
      const consumer = pickConsumer(queue)
      if (!consumer) return
      const msg = queue.pending.shift() as Message
      consumer.inFlight++
      inFlight++
      void deliver(queue, consumer, msg).finally(() => {
        consumer.inFlight--
        inFlight--
        if (consumer.inFlight === 0) for (const resolve of consumer.drained.splice(0)) resolve()
        if (queue.pending.length > 0) schedulePump(queue)
        checkIdle()
      })
    }
  }

  function deadLetter(queue: Queue, msg: Message, err: unknown) {
    logger.error({ service: queue.service, attempt: msg.attempt, err: errorMessage(err) }, 'event dead-lettered')
    queue.dead.push(msg)
  }

  async function deliver(queue: Queue, consumer: Consumer, msg: Message): Promise<void> {
    try {
      assertValidEvent(msg.raw)
    } catch (err) {
      deadLetter(queue, msg, err)
      return
    }
    const event = copy(msg.raw)
    if (!consumer.types.has(event.type)) {
      // A binding left from an earlier subscription: nobody here handles the type any more.
      logger.warn({ service: queue.service, type: event.type }, 'dropping an event type the consumer does not handle')
      return
    }
    try {
      await processEvent(queue.service, event, () =>
        consumer.handler(event, { attempt: msg.attempt, redelivered: msg.redelivered }),
      )
    } catch (err) {
      if (msg.attempt >= consumer.maxAttempts) {
        deadLetter(queue, msg, err)
        return
      }
      if (closed) return
      logger.warn({ service: queue.service, type: event.type, attempt: msg.attempt, err: errorMessage(err) }, 'event handler failed, will retry')
      const timer = setTimeout(() => {
        retryTimers.delete(timer)
        queue.pending.push({ raw: msg.raw, attempt: msg.attempt + 1, redelivered: true })
        schedulePump(queue)
      }, retryDelayMs(delays, msg.attempt))
      retryTimers.add(timer)
    }
  }

  function queueFor(service: string): Queue {
    let queue = queues.get(service)
    if (!queue) {
      queue = { service, types: new Set(), pending: [], dead: [], consumers: [], next: 0, pumpScheduled: false }
      queues.set(service, queue)
    }
    return queue
  }

  async function stopConsumer(queue: Queue, consumer: Consumer): Promise<void> {
    if (!consumer.stopped) {
      consumer.stopped = true
      queue.consumers = queue.consumers.filter((c) => c !== consumer)
      queue.next = 0
    }
    if (consumer.inFlight > 0) await new Promise<void>((resolve) => consumer.drained.push(resolve))
    checkIdle()
  }

  const consumers = new Map<Consumer, Queue>()

  return {
    async publish(event) {
      if (closed) throw new Error('event bus is closed')
      assertValidEvent(event)
      const raw = copy(event)
      for (const queue of queues.values()) {
        if (!queue.types.has(event.type)) continue
        queue.pending.push({ raw, attempt: 1, redelivered: false })
        schedulePump(queue)
      }
    },

    async subscribe(sub: SubscribeOptions): Promise<Subscription> {
      if (closed) throw new Error('event bus is closed')
      checkSubscription(sub)
      const queue = queueFor(sub.service)
      const other = queue.consumers[0]
      if (other && !sameTypes(other.types, sub.types)) {
        throw new Error(`service ${sub.service} is already subscribed here with other event types`)
      }
      const consumer: Consumer = {
        types: new Set(sub.types),
        handler: sub.handler,
        maxAttempts: sub.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        prefetch: sub.prefetch ?? DEFAULT_PREFETCH,
        inFlight: 0,
        stopped: false,
        drained: [],
      }
      for (const t of sub.types) queue.types.add(t)
      queue.consumers.push(consumer)
      consumers.set(consumer, queue)
      schedulePump(queue)
      return {
        stop: async () => {
          consumers.delete(consumer)
          await stopConsumer(queue, consumer)
        },
      }
    },

    async ping() {
      if (closed) throw new Error('event bus is closed')
    },

    async close() {
      closed = true
      for (const timer of retryTimers) clearTimeout(timer)
      retryTimers.clear()
      await Promise.all([...consumers].map(([consumer, queue]) => stopConsumer(queue, consumer)))
      consumers.clear()
      for (const resolve of idleWaiters.splice(0)) resolve()
    },

    deadLetters(service) {
      return (queues.get(service)?.dead ?? []).map((m) => copy(m.raw) as EventEnvelope)
    },

    async dlqDepth(service) {
      return { count: queues.get(service)?.dead.length ?? 0 }
    },

    async queueDepth(service) {
      return queues.get(service)?.pending.length ?? 0
    },

    async replayDlq(service) {
      const queue = queues.get(service)
      if (!queue || queue.dead.length === 0) return 0
      const moved = queue.dead.splice(0)
      for (const m of moved) queue.pending.push({ raw: m.raw, attempt: 1, redelivered: false })
      schedulePump(queue)
      return moved.length
    },

    idle() {
      if (closed || isIdle()) return Promise.resolve()
      return new Promise<void>((resolve) => idleWaiters.push(resolve))
    },
  }
}
