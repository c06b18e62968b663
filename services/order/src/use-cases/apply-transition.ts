import type { Pool, PoolClient } from '@shop/platform/db'
import type { ClaimRow } from '@shop/platform/inbox'
import { createEvent } from '@shop/platform/events'
import { enqueueEvent } from '@shop/platform/outbox'
import { deferredEvents, logEvent, settleDeferred } from '../data/event-log.repository.ts'
import {
  type ClaimedOutcome,
  type LockedOrder,
  lockOrder,
  type RequiredState,
  saveClaimedTransition,
  saveTransition,
} from '../data/order.repository.ts'
import { type Applied, type Ignored, isIgnored, type OrderEvent, transition, type TransitionResult } from '../domain/order-state.ts'

/**
 * The one way an order's state changes: inside the caller's transaction, on a row
 * locked FOR UPDATE, through the pure state machine. The new state, its history line
 * and any order.cancelled event commit together; then events that arrived too early
 * and were deferred get their turn.
 */

export type ApplyResult = (Applied & { order: LockedOrder }) | Ignored

interface Written {
  order: LockedOrder
  /** Whether events deferred for this order wait in order_event_log. */
  deferredWaiting: boolean
}

async function write(client: PoolClient, before: LockedOrder, applied: Applied): Promise<Written> {
  // The row is locked, so the guard always holds; it is the last wall should a caller forget the lock.
  const saved = await saveTransition(client, before.id, before.status, applied.next, applied.historyEntry)
  if (!saved.saved) throw new Error(`order ${before.id} left ${before.status} while locked`)
  if (applied.next.status === 'CANCELLED' && before.status !== 'CANCELLED') {
    await enqueueEvent(
      client,
      createEvent('order', 'order.cancelled', {
        orderId: before.id,
        userId: before.userId,
        reason: applied.historyEntry?.reason ?? 'cancelled',
        previousStatus: before.status,
      }),
    )
  }
  return { order: { ...before, ...applied.next }, deferredWaiting: saved.deferredWaiting }
}

/** Applies deferred events that the order's new state now admits, in the order they happened. */
async function replayDeferred(client: PoolClient, order: LockedOrder): Promise<LockedOrder> {
  let current = order
  for (let progressed = true; progressed; ) {
    progressed = false
    for (const d of await deferredEvents(client, order.id)) {
      const r = transition(current, d.event)
      if (isIgnored(r)) {
        if (!r.retryLater) await settleDeferred(client, d.id, 'ignored', r.reason)
        continue
      }
      current = (await write(client, current, r)).order
      await settleDeferred(client, d.id, 'applied_late', 'applied once the event it waited for arrived')
      progressed = true
    }
  }
  return current
}

/** Runs `event` on an order the caller has locked; writes the effects or answers why it does not apply. */
export async function applyTransition(client: PoolClient, order: LockedOrder, event: OrderEvent): Promise<ApplyResult> {
  const r = transition(order, event)
  if (isIgnored(r)) return r
  const written = await write(client, order, r)
  // Most orders never have an early event waiting: the write itself said so, sparing a query.
  return { ...r, order: written.deferredWaiting ? await replayDeferred(client, written.order) : written.order }
}

export interface IncomingEvent {
  id: string
  type: string
  occurredAt: string
}

export type EventOutcome = 'applied' | 'ignored' | 'deferred' | 'unknown_order'

/**
 * An event from another service about one order (inside the inbox transaction): applied,
 * or recorded in order_event_log as ignored or deferred. Never throws for an event that
 * does not fit, so the broker never redelivers it in a loop.
 */
export async function applyOrderEvent(
  client: PoolClient,
  orderId: string,
  event: OrderEvent,
  envelope: IncomingEvent,
): Promise<EventOutcome> {
  const logged = { orderId, eventId: envelope.id, eventType: envelope.type, event, occurredAt: envelope.occurredAt }
  const order = await lockOrder(client, orderId)
  if (!order) {
    await logEvent(client, logged, 'ignored', 'unknown order')
    return 'unknown_order'
  }
  const r = await applyTransition(client, order, event)
  if (!isIgnored(r)) return 'applied'
  await logEvent(client, logged, r.retryLater ? 'deferred' : 'ignored', r.reason)
  return r.retryLater ? 'deferred' : 'ignored'
}

/**
 * The usual case of an event in one statement (inbox claim, transition, history line,
 * notification): the state machine's answer for the `required` state, written only if the
 * order is in that state with no event deferred for it, and only with the event's claim.
 * Anything else ('not_in_state': another state, a deferred event, an unknown order, or a
 * transition that needs more than one statement) has written nothing, and the caller runs
 * applyOrderEvent through handleOnce as for any event.
 */
export async function applyOrderEventInOneStatement(
  pool: Pool,
  claim: ClaimRow,
  orderId: string,
  required: RequiredState,
  event: OrderEvent,
): Promise<ClaimedOutcome> {
  // The statement does not read the order's total: the answer must not depend on it.
  const r = transition({ ...required, total: 0 }, event)
  if (isIgnored(r) || !sameAnswer(r, transition({ ...required, total: 1 }, event))) return 'not_in_state'
  // A cancellation announces itself through the outbox: that is write()'s work.
  if (r.next.status === 'CANCELLED') return 'not_in_state'
  return saveClaimedTransition(pool, claim, orderId, required, r.next, r.historyEntry)
}

function sameAnswer(a: Applied, b: TransitionResult): boolean {
  if (isIgnored(b)) return false
  const { total: _a, ...nextA } = a.next
  const { total: _b, ...nextB } = b.next
  return JSON.stringify([nextA, a.historyEntry]) === JSON.stringify([nextB, b.historyEntry])
}
