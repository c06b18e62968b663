import type { EventEnvelope, EventType } from '@shop/contracts'
import { type Pool, type PoolClient, withTransaction } from './db.ts'
import type { EventBus, Subscription } from './ports.ts'

/**
 * Idempotent consumers: the inbox row (consumer, event id) commits in the same
 * transaction as the handler's effects, so an event delivered twice, even at the same
 * moment, has one effect.
 */

/**
 * Runs fn once per (consumer, event id) inside one transaction. A concurrent duplicate
 * blocks on the first one's uncommitted inbox row, then sees it and returns 'duplicate';
 * if the first rolls back, the duplicate applies instead.
 */
export async function handleOnce(
  pool: Pool,
  consumer: string,
  event: Pick<EventEnvelope, 'id' | 'type'>,
  fn: (client: PoolClient) => Promise<void>,
): Promise<'applied' | 'duplicate'> {
  return withTransaction(pool, async (client) => {
    const { rowCount } = await client.query(
      'INSERT INTO inbox (consumer, event_id, event_type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [consumer, event.id, event.type],
    )
    if (rowCount === 0) return 'duplicate'
    await fn(client)
    return 'applied'
  })
}

/** One handler per consumed event type, each given the transaction its effects must use. */
export type EventHandlers = Partial<{
  [T in EventType]: (client: PoolClient, event: EventEnvelope<T>) => Promise<void>
}>

export interface SubscribeHandlersOptions {
  /** The consuming service; also the inbox consumer name. */
  service: string
  handlers: EventHandlers
  maxAttempts?: number
  prefetch?: number
}

/** Subscribes the service to every type it has a handler for, running each through handleOnce. */
export function subscribeHandlers(bus: EventBus, pool: Pool, opts: SubscribeHandlersOptions): Promise<Subscription> {
  const types = (Object.keys(opts.handlers) as EventType[]).filter((t) => opts.handlers[t])
  return bus.subscribe({
    service: opts.service,
    types,
    maxAttempts: opts.maxAttempts,
    prefetch: opts.prefetch,
    handler: async (event) => {
      const handler = opts.handlers[event.type] as
        | ((client: PoolClient, event: EventEnvelope) => Promise<void>)
        | undefined
      if (!handler) return
      await handleOnce(pool, opts.service, event, (client) => handler(client, event))
    },
  })
}
