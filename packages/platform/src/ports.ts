import type { EventEnvelope, EventType } from '@shop/contracts'

/**
 * The ports every adapter pair implements (Redis/memory, RabbitMQ/memory). Code below a
 * composition root depends on these and never learns which adapter it was given.
 */

/** Key-value cache with TTLs; also the store behind rate limits and the token denylist. */
export interface Cache {
  get(key: string): Promise<string | null>
  /** Several keys in one round trip; the answer has one entry per key, in order (null when absent). */
  mget(keys: string[]): Promise<(string | null)[]>
  /**
   * Like mget, with the ms each key has left (null when absent or without expiry), read
   * atomically: a value and its TTL always belong to the same write.
   */
  mgetWithTtl(keys: string[]): Promise<{ value: string | null; ttlMs: number | null }[]>
  /** ttlMs omitted: no expiry. */
  set(key: string, value: string, ttlMs?: number): Promise<void>
  /** Sets only when absent; returns whether it was set. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>
  del(...keys: string[]): Promise<void>
  /** Atomically increments a counter, starting its TTL on first increment; returns the new value and ms left. */
  incr(key: string, ttlMs: number): Promise<{ value: number; ttlMs: number }>
  /** Liveness for /health/ready. */
  ping(): Promise<void>
  close(): Promise<void>
}

export interface DeliveryInfo {
  /** 1 on first delivery, then 2, 3, ... across retries. */
  attempt: number
  redelivered: boolean
}

export type EventHandler = (event: EventEnvelope, info: DeliveryInfo) => Promise<void>

export interface SubscribeOptions {
  /** The consuming service; its queue is `<prefix><service>.events`, its dead letters `<prefix><service>.dlq`. */
  service: string
  types: EventType[]
  handler: EventHandler
  /** Attempts before dead-lettering (default 5). */
  maxAttempts?: number
  /** Messages in flight at once (default 10). */
  prefetch?: number
}

export interface Subscription {
  /** Stops taking new messages and waits for the ones in flight. */
  stop(): Promise<void>
}

/** At-least-once event bus: publish resolves only after the broker has the message. */
export interface EventBus {
  publish(event: EventEnvelope): Promise<void>
  subscribe(opts: SubscribeOptions): Promise<Subscription>
  /** Liveness for /health/ready. */
  ping(): Promise<void>
  close(): Promise<void>
  /** Dead letters waiting for the service (0 when it never subscribed). */
  dlqDepth(service: string): Promise<{ count: number }>
  /**
   * Events waiting in the service's queue for its consumer, its lag (0 when it never
   * subscribed). Optional, so that a wrapper around a bus need not forward it.
   */
  queueDepth?(service: string): Promise<number>
  /** Moves the service's dead letters back to its queue with the attempt counter reset; returns how many. */
  replayDlq(service: string): Promise<number>
  /**
   * Seconds since the event at the head of the service's dead-letter queue occurred, null
   * when the queue is empty. Optional: an adapter that cannot look without consuming omits it.
   */
  dlqOldestAgeSeconds?(service: string): Promise<number | null>
}
