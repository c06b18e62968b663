import type { EventEnvelope, EventType } from '@shop/contracts'
import { literal, type Pool, type PoolClient, prepared, withTransactionFrom } from './db.ts'
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
  // The claim opens the transaction in the same round trip as BEGIN.
  const claim = `INSERT INTO inbox (consumer, event_id, event_type)
    VALUES (${literal(consumer)}, ${literal(event.id)}, ${literal(event.type)}) ON CONFLICT DO NOTHING`
  return withTransactionFrom(pool, claim, async (client, claimed) => {
    if (claimed.rowCount === 0) return 'duplicate'
    await fn(client)
    return 'applied'
  })
}

/**
 * A handler whose whole effect is one statement (see effectStatement): the inbox claim
 * and the effect are then one statement, which is one transaction, so they still commit
 * together, in one round trip instead of three.
 */
export interface StatementHandler<T extends EventType = EventType> {
  /** Applies the event once per (consumer, event id); 'duplicate' when the claim was there already. */
  run(pool: Pool, consumer: string, event: EventEnvelope<T>): Promise<'applied' | 'duplicate'>
}

/**
 * A StatementHandler from a data-modifying statement. It is placed in a WITH clause after
 * the claim, a CTE named `claim` with one row when the event is new and none for a
 * duplicate: `sql` must write only from it (`... SELECT ... FROM claim` or `WHERE EXISTS
 * (SELECT 1 FROM claim)`). Its parameters start at $4; `values` gives them for an event
 * and may throw, and then nothing is written. A concurrent duplicate's claim waits for
 * the first one's uncommitted row, as in handleOnce.
 */
export function effectStatement<T extends EventType>(sql: string, values: (event: EventEnvelope<T>) => unknown[]): StatementHandler<T> {
  const statement = prepared(`
    WITH claim AS (
      INSERT INTO inbox (consumer, event_id, event_type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1),
    effect AS (${sql})
    SELECT EXISTS (SELECT 1 FROM claim) AS applied`)
  return {
    async run(pool, consumer, event) {
      const { rows } = await pool.query<{ applied: boolean }>(statement([consumer, event.id, event.type, ...values(event)]))
      return rows[0].applied ? 'applied' : 'duplicate'
    },
  }
}

/** The inbox claim's parameters for an event (consumer, event id, type), as inboxClaim() reads them. */
export type ClaimRow = [consumer: string, eventId: string, eventType: string]

export const claimRow = (consumer: string, event: Pick<EventEnvelope, 'id' | 'type'>): ClaimRow => [consumer, event.id, event.type]

/**
 * The inbox claim as a sub-statement (a WITH clause) of a statement that applies an event
 * only when `when` holds of rows it has locked: three parameters from `$first` (a
 * ClaimRow); it returns one row when it claimed the event and none when `when` does not
 * hold or the event was claimed already (a concurrent duplicate's claim waits for the
 * first one's uncommitted row, as in handleOnce). The effect must write only from it, and
 * `when` must lock what it reads (FOR UPDATE), so that a claim made is an effect applied:
 * the inbox row then commits if and only if the effect does, in one statement. When it
 * claims nothing and the event is not a duplicate, the caller runs its general path
 * (handleOnce), which makes the claim itself.
 */
export function inboxClaim(first: number, when: string): string {
  return `INSERT INTO inbox (consumer, event_id, event_type)
    SELECT $${first}::text, $${first + 1}::uuid, $${first + 2}::text WHERE ${when} ON CONFLICT DO NOTHING RETURNING 1`
}

type TransactionHandler<T extends EventType> = (client: PoolClient, event: EventEnvelope<T>) => Promise<void>

/** One handler per consumed event type: given the transaction its effects must use, or a single statement. */
export type EventHandlers = Partial<{
  [T in EventType]: TransactionHandler<T> | StatementHandler<T>
}>

export interface SubscribeHandlersOptions {
  /** The consuming service; also the inbox consumer name. */
  service: string
  handlers: EventHandlers
  maxAttempts?: number
  prefetch?: number
}

/** Subscribes the service to every type it has a handler for, running each once per event id through the inbox. */
export function subscribeHandlers(bus: EventBus, pool: Pool, opts: SubscribeHandlersOptions): Promise<Subscription> {
  const types = (Object.keys(opts.handlers) as EventType[]).filter((t) => opts.handlers[t])
  return bus.subscribe({
    service: opts.service,
    types,
    maxAttempts: opts.maxAttempts,
    prefetch: opts.prefetch,
    handler: async (event) => {
      const handler = opts.handlers[event.type] as TransactionHandler<EventType> | StatementHandler | undefined
      if (!handler) return
      if (typeof handler === 'function') await handleOnce(pool, opts.service, event, (client) => handler(client, event))
      else await handler.run(pool, opts.service, event)
    },
  })
}
