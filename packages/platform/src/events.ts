import { randomUUID } from 'node:crypto'
import { context, propagation, SpanKind } from '@opentelemetry/api'
import { type EventData, type EventEnvelope, type EventType, isEventType } from '@shop/contracts'
import { tracingRecorded, withSpan } from './telemetry.ts'

/**
 * Building event envelopes and carrying the trace across the broker (the publisher's
 * active trace goes into `traceparent`, and handlers run inside it again), plus the
 * defaults and checks both bus adapters share so they behave alike.
 */

/** The smallest pino-compatible logger the messaging code needs. */
export interface MessagingLogger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

/** A logger that drops everything; the default when none is given. */
export const silentLogger: MessagingLogger = { info() {}, warn() {}, error() {} }

export interface CreateEventOptions {
  id?: string
  occurredAt?: Date | string
}

/** A new envelope (uuid v4 id, ISO timestamp) carrying the active trace context when there is one. */
export function createEvent<T extends EventType>(
  source: string,
  type: T,
  data: EventData<T>,
  opts: CreateEventOptions = {},
): EventEnvelope<T> {
  const occurredAt = opts.occurredAt ?? new Date()
  const envelope: EventEnvelope<T> = {
    id: opts.id ?? randomUUID(),
    type,
    version: 1,
    occurredAt: typeof occurredAt === 'string' ? occurredAt : occurredAt.toISOString(),
    source,
    data,
  }
  const traceparent = currentTraceparent()
  if (traceparent) envelope.traceparent = traceparent
  return envelope
}

/** The W3C traceparent of the active context, or undefined without a propagator or a span. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {}
  propagation.inject(context.active(), carrier)
  return carrier.traceparent || undefined
}

/** Runs fn with the envelope's trace context active, so spans and logs join the publisher's trace. */
export function runInEventContext<R>(event: Pick<EventEnvelope, 'traceparent'>, fn: () => R): R {
  if (!event.traceparent) return fn()
  const ctx = propagation.extract(context.active(), { traceparent: event.traceparent })
  return context.with(ctx, fn)
}

/**
 * Runs a consumer's handler for one delivery. When spans are recorded, inside a CONSUMER
 * span `<type> process` that is a child of the publisher's span (the envelope's
 * traceparent), so the trace shows the consuming service's work, and what it publishes
 * or calls in turn hangs below it; otherwise only inside the publisher's context, as
 * runInEventContext, at no cost.
 */
export function processEvent<T>(consumer: string, event: Pick<EventEnvelope, 'id' | 'type' | 'traceparent'>, fn: () => Promise<T>): Promise<T> {
  if (!tracingRecorded()) return runInEventContext(event, fn)
  return withSpan(`${event.type} process`, fn, {
    parentTraceparent: event.traceparent,
    kind: SpanKind.CONSUMER,
    attributes: { 'messaging.operation': 'process', 'messaging.destination.name': event.type, 'messaging.message.id': event.id, 'shop.service': consumer },
  })
}

/** Delays between a failed delivery and the next attempt, shared by both bus adapters. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [200, 1000, 5000, 15000]
export const DEFAULT_MAX_ATTEMPTS = 5
export const DEFAULT_PREFETCH = 10

/** The wait after failed attempt `attempt` (1-based); the last delay repeats when attempts outnumber delays. */
export function retryDelayMs(delays: readonly number[], attempt: number): number {
  if (delays.length === 0) return 0
  return delays[Math.min(attempt, delays.length) - 1]
}

/** Checks what every subscribe call must give, so both adapters refuse the same mistakes. */
export function checkSubscription(opts: { service: string; types: readonly string[]; maxAttempts?: number; prefetch?: number }): void {
  if (!/^[a-z0-9][a-z0-9_.-]*$/i.test(opts.service)) throw new Error(`invalid service name "${opts.service}"`)
  if (opts.types.length === 0) throw new Error(`subscription of ${opts.service} lists no event types`)
  const unknown = opts.types.filter((t) => !isEventType(t))
  if (unknown.length) throw new Error(`unknown event types: ${unknown.join(', ')}`)
  if (opts.maxAttempts !== undefined && !(Number.isInteger(opts.maxAttempts) && opts.maxAttempts >= 1)) {
    throw new Error('maxAttempts must be an integer >= 1')
  }
  if (opts.prefetch !== undefined && !(Number.isInteger(opts.prefetch) && opts.prefetch >= 1)) {
    throw new Error('prefetch must be an integer >= 1')
  }
}

/** Both adapters share one queue per service, so two live subscriptions of a service must agree on its types. */
export function sameTypes(a: Iterable<string>, b: Iterable<string>): boolean {
  const x = new Set(a)
  const y = new Set(b)
  return x.size === y.size && [...x].every((t) => y.has(t))
}

/** A readable message for logs and dead-letter headers. */
export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 1000)
