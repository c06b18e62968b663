import { randomUUID } from 'node:crypto'
import type { EventEnvelope } from '@shop/contracts'
import type { OrderView } from '@shop/contracts/order'
import { type Pool, type PoolClient, withTransaction } from '@shop/platform/db'
import { handleOnce } from '@shop/platform/inbox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventLogOf } from '../src/data/event-log.repository.ts'
import { lockExpiredOrders, lockOrder } from '../src/data/order.repository.ts'
import { transition } from '../src/domain/order-state.ts'
import { onPaymentCompleted } from '../src/events/payment-completed.handler.ts'
import { applyOrderEvent, applyTransition } from '../src/use-cases/apply-transition.ts'
import { createHarness, events, type Harness } from './helpers.ts'

/**
 * payment.completed's one-statement path (inbox claim + PENDING_PAYMENT → PAID) and its
 * fallback to the general path: each case where the two could disagree, or where the
 * claim could commit without its effect.
 */

let h: Harness
const user = randomUUID()

beforeAll(async () => {
  h = await createHarness()
})
afterAll(async () => {
  await h?.close()
})

/** Runs the handler as subscribeHandlers does for one delivery. */
const run = (event: EventEnvelope<'payment.completed'>) => onPaymentCompleted(h.ctx).run(h.db.pool, 'order', event)

interface Row {
  status: string
  payment: unknown
  shipment: unknown
  captured: number
  refunded: number
  history: string[]
}

async function row(orderId: string): Promise<Row> {
  const { rows } = await h.db.pool.query<Row>(
    `SELECT status, payment, shipment, captured::int, refunded::int,
            ARRAY(SELECT status FROM order_history WHERE order_id = o.id ORDER BY id) AS history
       FROM orders o WHERE id = $1`,
    [orderId],
  )
  return rows[0]
}

const inboxRows = async (eventId: string) =>
  (await h.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox WHERE event_id = $1', [eventId])).rows[0].n

/** Resolves once a backend of this test's database waits for a lock (the statement under test has reached its FOR UPDATE). */
async function someoneWaitsForALock(pool: Pool): Promise<void> {
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
    )
    if (rows[0].n > 0) return
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** Runs fn in a transaction holding the order's row lock, and commits once `whileHeld` has started and waits on it. */
async function underLock(orderId: string, fn: (client: PoolClient) => Promise<void>, whileHeld: () => Promise<unknown>) {
  let pending: Promise<unknown> | undefined
  await withTransaction(h.db.pool, async (client) => {
    await lockOrder(client, orderId)
    await fn(client)
    pending = whileHeld()
    await someoneWaitsForALock(h.db.pool)
  })
  return pending
}

describe('payment.completed in one statement', () => {
  it('writes what the state machine answers for the unpaid order, with its claim, history line and summary delta', async () => {
    const order = await h.placed(user)
    const paid = events.paymentCompleted(order)
    const deltasBefore = await h.count('order_day_deltas')
    expect(await run(paid)).toBe('applied')
    const after = await row(order.id)
    const expected = transition({ status: 'PENDING_PAYMENT', total: order.total, payment: null, shipment: null }, {
      type: 'payment.completed',
      paymentId: paid.data.paymentId,
    })
    expect(expected).toMatchObject({ next: { status: after.status, payment: after.payment, shipment: after.shipment } })
    expect(after).toMatchObject({ captured: order.total, refunded: 0, history: ['PENDING_PAYMENT', 'PAID'] })
    expect(await inboxRows(paid.id)).toBe(1)
    // The trigger moved the order from PENDING_PAYMENT's totals to PAID's: one row out, one in.
    expect((await h.count('order_day_deltas')) - deltasBefore).toBe(2)
    expect(await eventLogOf(h.db.pool, order.id)).toEqual([])
  })

  it('a redelivery after the commit is a duplicate: PAID once, one history line, nothing logged', async () => {
    const order = await h.placed(user)
    const paid = events.paymentCompleted(order)
    expect(await run(paid)).toBe('applied')
    expect(await run(paid)).toBe('duplicate')
    expect(await run(paid)).toBe('duplicate')
    expect((await row(order.id)).history).toEqual(['PENDING_PAYMENT', 'PAID'])
    expect(await inboxRows(paid.id)).toBe(1)
    expect(await eventLogOf(h.db.pool, order.id)).toEqual([])
  })

  it('concurrent deliveries of one event apply it once; the others are duplicates', async () => {
    const order = await h.placed(user)
    const paid = events.paymentCompleted(order)
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => run(paid)))
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1)
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(5)
    expect(await row(order.id)).toMatchObject({ status: 'PAID', captured: order.total, history: ['PENDING_PAYMENT', 'PAID'] })
    expect(await inboxRows(paid.id)).toBe(1)
    expect(await eventLogOf(h.db.pool, order.id)).toEqual([])
  })

  it('a delivery waiting on a duplicate that the general path holds (claim made, order locked) sees it and is a duplicate', async () => {
    const order = await h.placed(user)
    const paid = events.paymentCompleted(order)
    let second: Promise<unknown> | undefined
    await handleOnce(h.db.pool, 'order', paid, async (client) => {
      expect(await applyOrderEvent(client, order.id, { type: 'payment.completed', paymentId: paid.data.paymentId }, paid)).toBe('applied')
      second = run(paid)
      await someoneWaitsForALock(h.db.pool)
    })
    expect(await second).toBe('duplicate')
    expect(await row(order.id)).toMatchObject({ status: 'PAID', history: ['PENDING_PAYMENT', 'PAID'] })
    expect(await inboxRows(paid.id)).toBe(1)
  })

  it('on a cancelled order it is ignored and recorded, as before: no claim without the general path', async () => {
    const order = await h.placed(user)
    const cancel = await h.app.inject({ method: 'PUT', url: `/orders/${order.id}/cancel`, headers: await h.auth(user), payload: {} })
    expect(cancel.statusCode).toBe(200)
    const late = events.paymentCompleted(order)
    expect(await run(late)).toBe('applied')
    expect(await row(order.id)).toMatchObject({ status: 'CANCELLED', captured: 0, history: ['PENDING_PAYMENT', 'CANCELLED'] })
    expect(await eventLogOf(h.db.pool, order.id)).toEqual([
      { eventId: late.id, eventType: 'payment.completed', outcome: 'ignored', reason: 'order already cancelled; the payment service refunds it' },
    ])
    expect(await run(late)).toBe('duplicate')
    expect(await inboxRows(late.id)).toBe(1)
  })

  it('on an order the sweeper cancels while the statement waits for its lock: ignored, one order.cancelled', async () => {
    const order = await h.placed(user)
    await h.db.pool.query(`UPDATE orders SET expires_at = now() - interval '1 second' WHERE id = $1`, [order.id])
    const late = events.paymentCompleted(order)
    const pending = await underLock(
      order.id,
      async (client) => {
        const [locked] = await lockExpiredOrders(client, 10)
        expect(locked.id).toBe(order.id)
        expect(await applyTransition(client, locked, { type: 'payment_timeout' })).toMatchObject({ next: { status: 'CANCELLED' } })
      },
      () => run(late),
    )
    expect(await pending).toBe('applied')
    expect(await row(order.id)).toMatchObject({ status: 'CANCELLED', captured: 0, history: ['PENDING_PAYMENT', 'CANCELLED'] })
    expect((await eventLogOf(h.db.pool, order.id)).map((e) => [e.eventType, e.outcome])).toEqual([['payment.completed', 'ignored']])
    expect((await h.outbox('order.cancelled')).filter((e) => e.data.orderId === order.id)).toHaveLength(1)
  })

  it('an order past its payment window that no sweep cancelled yet is still paid, as before', async () => {
    const order = await h.placed(user)
    await h.db.pool.query(`UPDATE orders SET expires_at = now() - interval '1 second' WHERE id = $1`, [order.id])
    expect(await run(events.paymentCompleted(order))).toBe('applied')
    expect(await row(order.id)).toMatchObject({ status: 'PAID', history: ['PENDING_PAYMENT', 'PAID'] })
  })

  it('an early dispatch deferred before it is replayed once the payment completes (general path)', async () => {
    const order = await h.placed(user)
    const early = events.shipmentDispatched(order)
    await h.deliver(early)
    expect((await eventLogOf(h.db.pool, order.id)).map((e) => e.outcome)).toEqual(['deferred'])
    const paid = events.paymentCompleted(order)
    expect(await run(paid)).toBe('applied')
    expect(await row(order.id)).toMatchObject({ status: 'SHIPPED', history: ['PENDING_PAYMENT', 'PAID', 'SHIPPED'] })
    expect(await eventLogOf(h.db.pool, order.id)).toEqual([
      { eventId: early.id, eventType: 'shipment.dispatched', outcome: 'applied_late', reason: 'applied once the event it waited for arrived' },
    ])
    expect(await run(paid)).toBe('duplicate')
  })

  it('an early dispatch deferred while the statement waits for the order lock is still replayed, not stranded', async () => {
    const order = await h.placed(user)
    const early = events.shipmentDispatched(order)
    const paid = events.paymentCompleted(order)
    // The deferral commits after the statement took its snapshot: only the flag in the locked row tells it.
    const pending = await underLock(
      order.id,
      async (client) => {
        const dispatched = { type: 'shipment.dispatched' as const, carrier: early.data.carrier, trackingNumber: early.data.trackingNumber }
        expect(await applyOrderEvent(client, order.id, dispatched, early)).toBe('deferred')
      },
      () => run(paid),
    )
    expect(await pending).toBe('applied')
    expect(await row(order.id)).toMatchObject({ status: 'SHIPPED', history: ['PENDING_PAYMENT', 'PAID', 'SHIPPED'] })
    expect((await eventLogOf(h.db.pool, order.id)).map((e) => [e.eventId, e.outcome])).toEqual([[early.id, 'applied_late']])
  })

  it('an order with a failed attempt recorded is paid through the general path, with the same result', async () => {
    const order: OrderView = await h.placed(user)
    await h.deliver(events.paymentFailed(order))
    const paid = events.paymentCompleted(order)
    expect(await run(paid)).toBe('applied')
    expect(await row(order.id)).toMatchObject({
      status: 'PAID',
      payment: { status: 'COMPLETED', paymentId: paid.data.paymentId },
      captured: order.total,
      history: ['PENDING_PAYMENT', 'PAID'],
    })
    expect(await run(paid)).toBe('duplicate')
  })

  it('an event for an unknown order is recorded once, as before', async () => {
    const ghost = { ...(await h.placed(user)), id: randomUUID() }
    const paid = events.paymentCompleted(ghost)
    expect(await run(paid)).toBe('applied')
    expect(await run(paid)).toBe('duplicate')
    expect((await eventLogOf(h.db.pool, ghost.id)).map((e) => e.reason)).toEqual(['unknown order'])
  })
})
