import type { Queryable } from '@shop/platform/db'
import type { OrderEvent } from '../domain/order-state.ts'

/** order_event_log: events that did not apply when they arrived, kept apart from the public history. */

export interface LoggedEvent {
  orderId: string
  eventId: string
  eventType: string
  event: OrderEvent
  occurredAt: string
}

export interface DeferredEvent {
  id: number
  eventId: string
  event: OrderEvent
}

/**
 * Records an event that was ignored, or deferred until the order reaches the state it
 * needs; a deferral also marks the order (events_deferred, migration 0005), in the same
 * statement. The caller holds the order's row lock when it defers.
 */
export async function logEvent(q: Queryable, e: LoggedEvent, outcome: 'ignored' | 'deferred', reason: string): Promise<void> {
  await q.query(
    `WITH l AS (
       INSERT INTO order_event_log (order_id, event_id, event_type, payload, outcome, reason, occurred_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7))
     UPDATE orders SET events_deferred = true WHERE id = $1 AND $5 = 'deferred' AND NOT events_deferred`,
    [e.orderId, e.eventId, e.eventType, JSON.stringify(e.event), outcome, reason, e.occurredAt],
  )
}

/** The order's deferred events, in the order they happened. */
export async function deferredEvents(q: Queryable, orderId: string): Promise<DeferredEvent[]> {
  const { rows } = await q.query<{ id: number; event_id: string; payload: OrderEvent }>(
    `SELECT id, event_id, payload FROM order_event_log
      WHERE order_id = $1 AND outcome = 'deferred' ORDER BY occurred_at, id`,
    [orderId],
  )
  return rows.map((r) => ({ id: r.id, eventId: r.event_id, event: r.payload }))
}

/** Settles a deferred event: applied now, or finally ignored (the order moved past it). */
export async function settleDeferred(q: Queryable, id: number, outcome: 'applied_late' | 'ignored', reason: string): Promise<void> {
  await q.query('UPDATE order_event_log SET outcome = $2, reason = $3, updated_at = now() WHERE id = $1', [id, outcome, reason])
}

/** Every log row of an order (operators and tests). */
export async function eventLogOf(q: Queryable, orderId: string) {
  const { rows } = await q.query<{ event_id: string; event_type: string; outcome: string; reason: string }>(
    'SELECT event_id, event_type, outcome, reason FROM order_event_log WHERE order_id = $1 ORDER BY id',
    [orderId],
  )
  return rows.map((r) => ({ eventId: r.event_id, eventType: r.event_type, outcome: r.outcome, reason: r.reason }))
}
