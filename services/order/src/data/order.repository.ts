import type { OrderPayment, OrderShipment, OrderStatus } from '@shop/contracts/order'
import { type PoolClient, prepared, type Queryable } from '@shop/platform/db'
import { idempotencyComplete } from '@shop/platform/idempotency'
import { type ClaimRow, inboxClaim } from '@shop/platform/inbox'
import { outboxInsert, type OutboxRow } from '@shop/platform/outbox'
import type { OrderCursor } from '../domain/cursor.ts'
import { ORDER_CHANGES_CHANNEL } from './order-changes.listener.ts'
import type { HistoryEntry, OrderState } from '../domain/order-state.ts'
import type { OrderRecord } from '../domain/order-view.ts'

/** Orders, their lines and history: SQL in, plain objects out. */

/** An order as stored: the address still sealed. */
export type StoredOrder = Omit<OrderRecord, 'address'> & { addressEnc: string; cursor: OrderCursor }

/** What a transition needs, read under the row lock. */
export interface LockedOrder extends OrderState {
  id: string
  userId: string
}

export interface NewOrder {
  id: string
  userId: string
  subtotal: number
  shippingFee: number
  total: number
  addressEnc: string
  createdAt: Date
  /** When the payment window closes. */
  expiresAt: Date
  lines: { productId: string; name: string; unitPrice: number; quantity: number }[]
  /** order.created, committed with the order. */
  event: OutboxRow
}

interface OrderRow {
  id: string
  user_id: string
  status: OrderStatus
  subtotal: number
  shipping_fee: number
  total: number
  address_enc: string
  payment: OrderPayment | null
  shipment: OrderShipment | null
  created_at: Date
  cursor_at: string
  expires_at: Date
}

const ORDER_COLUMNS = `id, user_id, status, subtotal, shipping_fee, total, address_enc, payment, shipment, created_at,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at, expires_at`

/** What a transition reads under the row lock. */
const LOCKED_COLUMNS = 'id, user_id, status, total, payment, shipment'

/**
 * An order's lines and history as JSON arrays beside its row (`o`), so a whole order, or
 * a page of them, is one statement: one round trip and one snapshot.
 */
const DETAIL_COLUMNS = `
  (SELECT COALESCE(json_agg(json_build_object('productId', l.product_id, 'name', l.name, 'unitPrice', l.unit_price,
                                              'quantity', l.quantity) ORDER BY l.line_no), '[]')
     FROM order_lines l WHERE l.order_id = o.id) AS lines,
  (SELECT COALESCE(json_agg(json_build_object('status', h.status, 'reason', h.reason, 'at', h.at) ORDER BY h.id), '[]')
     FROM order_history h WHERE h.order_id = o.id) AS history`

interface DetailedOrderRow extends OrderRow {
  lines: { productId: string; name: string; unitPrice: number; quantity: number }[]
  history: { status: OrderStatus; reason: string | null; at: string }[]
}

const INSERT_ORDER_SQL = `
  WITH o AS (
    INSERT INTO orders (id, user_id, status, subtotal, shipping_fee, total, address_enc, created_at, updated_at, expires_at)
    VALUES ($1, $2, 'PENDING_PAYMENT', $3, $4, $5, $6, $7, $7, $8)
    RETURNING to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at),
  l AS (
    INSERT INTO order_lines (order_id, line_no, product_id, name, unit_price, quantity)
    SELECT $1, l.n, l.product_id, l.name, l.unit_price, l.quantity
      FROM unnest($9::uuid[], $10::text[], $11::bigint[], $12::int[]) WITH ORDINALITY
           AS l(product_id, name, unit_price, quantity, n)),
  h AS (INSERT INTO order_history (order_id, status, at) VALUES ($1, 'PENDING_PAYMENT', $7)),
  e AS (${outboxInsert(13, 'true', { direct: true })})
  SELECT cursor_at FROM o`

const INSERT_ORDER = prepared(INSERT_ORDER_SQL)
// The same, with the request's Idempotency-Key answered in the statement (parameters 16 to 22).
const INSERT_ORDER_ANSWERED = prepared(
  INSERT_ORDER_SQL.replace('  SELECT cursor_at FROM o', `, a AS (${idempotencyComplete(16)})\n  SELECT cursor_at FROM o`),
)

/**
 * Inserts the order (PENDING_PAYMENT until expiresAt), its lines, its first history line
 * and the event announcing it, in one statement, so they commit together in one round
 * trip; with `answer` (an IdempotencyClaim's answerRow) the request's Idempotency-Key is
 * answered in that statement too. Returns the order as stored.
 */
export async function insertOrder(q: Queryable, o: NewOrder, answer?: unknown[]): Promise<StoredOrder> {
  const values = [
    o.id,
    o.userId,
    o.subtotal,
    o.shippingFee,
    o.total,
    o.addressEnc,
    o.createdAt,
    o.expiresAt,
    o.lines.map((l) => l.productId),
    o.lines.map((l) => l.name),
    o.lines.map((l) => l.unitPrice),
    o.lines.map((l) => l.quantity),
    ...o.event,
  ]
  const { rows } = await q.query<{ cursor_at: string }>(answer ? INSERT_ORDER_ANSWERED([...values, ...answer]) : INSERT_ORDER(values))
  return { ...asStored(o), cursor: { createdAt: rows[0].cursor_at, id: o.id } }
}

/** A new order as insertOrder stores it, all but the cursor the database gives it: what its view is made of before it is sent. */
export function asStored(o: NewOrder): Omit<StoredOrder, 'cursor'> {
  return {
    id: o.id,
    userId: o.userId,
    status: 'PENDING_PAYMENT',
    subtotal: o.subtotal,
    shippingFee: o.shippingFee,
    total: o.total,
    addressEnc: o.addressEnc,
    payment: null,
    shipment: null,
    lines: o.lines.map((l) => ({ productId: l.productId, name: l.name, unitPrice: l.unitPrice, quantity: l.quantity })),
    history: [{ status: 'PENDING_PAYMENT', at: o.createdAt, reason: null }],
    createdAt: o.createdAt,
    expiresAt: o.expiresAt,
  }
}

const toLocked = (r: OrderRow): LockedOrder => ({
  id: r.id,
  userId: r.user_id,
  status: r.status,
  total: r.total,
  payment: r.payment,
  shipment: r.shipment,
})

const LOCK_ORDER = prepared(`SELECT ${LOCKED_COLUMNS} FROM orders WHERE id = $1 FOR UPDATE`)

/** Reads and locks the order's state for a transition; null when there is no such order. */
export async function lockOrder(client: PoolClient, orderId: string): Promise<LockedOrder | null> {
  const { rows } = await client.query<OrderRow>(LOCK_ORDER([orderId]))
  return rows[0] ? toLocked(rows[0]) : null
}

/**
 * Locks up to `limit` unpaid orders past their expiry, skipping rows another sweeper
 * (or an event handler) holds, so replicas share the work and never cancel twice.
 */
export async function lockExpiredOrders(client: PoolClient, limit: number): Promise<LockedOrder[]> {
  const { rows } = await client.query<OrderRow>(
    `SELECT ${LOCKED_COLUMNS} FROM orders
      WHERE status = 'PENDING_PAYMENT' AND expires_at <= now()
      ORDER BY expires_at
      LIMIT $1
      FOR UPDATE SKIP LOCKED`,
    [limit],
  )
  return rows.map(toLocked)
}

export interface SavedTransition {
  /** False when the order was no longer in `from`: nothing was written. */
  saved: boolean
  /** Whether events wait in order_event_log for this order (read after the caller's lock, so none is missed). */
  deferredWaiting: boolean
}

const SAVE_TRANSITION = prepared(`
  WITH s AS (
    UPDATE orders SET status = $3, payment = $4::jsonb, shipment = $5::jsonb, updated_at = now(),
           captured = CASE WHEN $4::jsonb->>'status' IN ('COMPLETED', 'PARTIALLY_REFUNDED', 'REFUNDED') THEN total ELSE 0 END,
           refunded = COALESCE(($4::jsonb->>'refundedAmount')::bigint, 0)
     WHERE id = $1 AND status = $2 RETURNING id),
  h AS (INSERT INTO order_history (order_id, status, reason) SELECT id, $6, $7 FROM s WHERE $6::text IS NOT NULL),
  n AS (SELECT pg_notify('${ORDER_CHANGES_CHANNEL}', id::text) FROM s)
  SELECT EXISTS (SELECT 1 FROM s) AS saved,
         EXISTS (SELECT 1 FROM order_event_log WHERE order_id = $1 AND outcome = 'deferred') AS deferred_waiting,
         (SELECT count(*) FROM n) AS notified`)

/**
 * Writes a transition's next state and its history line, and the notification every
 * replica's open event streams hear once it commits (a SELECT in a WITH runs only when
 * read, hence `notified`), only while the order is still
 * in `from`: a second writer that raced past the lock cannot apply a transition computed
 * from a stale state. One statement, which also says whether deferred events wait.
 */
export async function saveTransition(
  client: PoolClient,
  orderId: string,
  from: OrderStatus,
  next: OrderState,
  entry: HistoryEntry | null,
): Promise<SavedTransition> {
  const { rows } = await client.query<{ saved: boolean; deferred_waiting: boolean }>(
    SAVE_TRANSITION([
      orderId,
      from,
      next.status,
      next.payment ? JSON.stringify(next.payment) : null,
      next.shipment ? JSON.stringify(next.shipment) : null,
      entry?.status ?? null,
      entry?.reason ?? null,
    ]),
  )
  return { saved: rows[0].saved, deferredWaiting: rows[0].deferred_waiting }
}

/** What the order's state must be for saveClaimedTransition to write a transition computed from it. */
export type RequiredState = Pick<OrderState, 'status' | 'payment' | 'shipment'>

/** The effect of saveClaimedTransition: applied, a duplicate (the claim was there), or the order is not in the required state. */
export type ClaimedOutcome = 'applied' | 'duplicate' | 'not_in_state'

const SAVE_CLAIMED_TRANSITION = prepared(`
  WITH o AS (
    SELECT id FROM orders
     WHERE id = $1 AND status = $2 AND payment IS NOT DISTINCT FROM $3::jsonb AND shipment IS NOT DISTINCT FROM $4::jsonb
       AND NOT events_deferred
       FOR UPDATE),
  claim AS (${inboxClaim(5, 'EXISTS (SELECT 1 FROM o)')}),
  s AS (
    UPDATE orders SET status = $8, payment = $9::jsonb, shipment = $10::jsonb, updated_at = now(),
           captured = CASE WHEN $9::jsonb->>'status' IN ('COMPLETED', 'PARTIALLY_REFUNDED', 'REFUNDED') THEN total ELSE 0 END,
           refunded = COALESCE(($9::jsonb->>'refundedAmount')::bigint, 0)
     WHERE id = $1 AND status = $2 AND EXISTS (SELECT 1 FROM claim) RETURNING id),
  h AS (INSERT INTO order_history (order_id, status, reason) SELECT id, $11, $12 FROM s WHERE $11::text IS NOT NULL),
  n AS (SELECT pg_notify('${ORDER_CHANGES_CHANNEL}', id::text) FROM s)
  SELECT EXISTS (SELECT 1 FROM o) AS in_state,
         EXISTS (SELECT 1 FROM claim) AS claimed,
         (SELECT count(*) FROM n) AS notified,
         CASE WHEN EXISTS (SELECT 1 FROM claim) AND NOT EXISTS (SELECT 1 FROM s)
              THEN (SELECT 'claimed without its effect, order ' || id::text FROM o)::int END AS guard`)

/**
 * An event's inbox claim and its transition in one statement, which is one transaction:
 * the order's row is locked and checked to be in `required` with no event deferred for it
 * (events_deferred, read from the locked row); only then is the event claimed (`claim`,
 * see inboxClaim), and only a claim writes `next`, its history line and the change
 * notification (the summary totals follow from the orders trigger). `next` and `entry`
 * must be the state machine's answer for `required`; the row's total is kept. The claim
 * is written only with the effect: 'not_in_state' wrote nothing, and the caller takes the
 * general path (handleOnce), which sees the order as it is.
 */
export async function saveClaimedTransition(
  pool: Queryable,
  claim: ClaimRow,
  orderId: string,
  required: RequiredState,
  next: OrderState,
  entry: HistoryEntry | null,
): Promise<ClaimedOutcome> {
  const json = (v: unknown) => (v ? JSON.stringify(v) : null)
  const { rows } = await pool.query<{ in_state: boolean; claimed: boolean }>(
    SAVE_CLAIMED_TRANSITION([
      orderId,
      required.status,
      json(required.payment),
      json(required.shipment),
      ...claim,
      next.status,
      json(next.payment),
      json(next.shipment),
      entry?.status ?? null,
      entry?.reason ?? null,
    ]),
  )
  if (rows[0].claimed) return 'applied'
  return rows[0].in_state ? 'duplicate' : 'not_in_state'
}

const FIND_ORDER = prepared(`SELECT ${ORDER_COLUMNS}, ${DETAIL_COLUMNS} FROM orders o WHERE id = $1`)

/** One order with its lines and history, or null. */
export async function findOrder(q: Queryable, orderId: string): Promise<StoredOrder | null> {
  const { rows } = await q.query<DetailedOrderRow>(FIND_ORDER([orderId]))
  return rows[0] ? toStored(rows[0]) : null
}

export interface OrderFilter {
  /** Only this user's orders (a customer's own; an admin's userId filter). */
  userId?: string
  status?: OrderStatus
  /** Placed at or after this instant. */
  since?: Date
  /** Placed before this instant. */
  before?: Date
  /** Ids from this one to `idTo`, both included (an id prefix, as a range the primary key serves). */
  idFrom?: string
  idTo?: string
  after?: OrderCursor
  limit: number
}

/** A page of orders, newest first, strictly after the cursor; one more row than asked tells if there is a next page. */
export async function listOrders(q: Queryable, f: OrderFilter): Promise<{ orders: StoredOrder[]; more: boolean }> {
  const where: string[] = []
  const params: unknown[] = []
  if (f.userId) {
    params.push(f.userId)
    where.push(`user_id = $${params.length}`)
  }
  if (f.status) {
    params.push(f.status)
    where.push(`status = $${params.length}`)
  }
  if (f.since) {
    params.push(f.since)
    where.push(`created_at >= $${params.length}`)
  }
  if (f.before) {
    params.push(f.before)
    where.push(`created_at < $${params.length}`)
  }
  if (f.idFrom && f.idTo) {
    params.push(f.idFrom, f.idTo)
    where.push(`id BETWEEN $${params.length - 1}::uuid AND $${params.length}::uuid`)
  }
  if (f.after) {
    params.push(f.after.createdAt, f.after.id)
    where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`)
  }
  params.push(f.limit + 1)
  const { rows } = await q.query<DetailedOrderRow>(
    `SELECT ${ORDER_COLUMNS}, ${DETAIL_COLUMNS} FROM orders o ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
    params,
  )
  const more = rows.length > f.limit
  return { orders: rows.slice(0, f.limit).map(toStored), more }
}

function toStored(r: DetailedOrderRow): StoredOrder {
  return {
    id: r.id,
    userId: r.user_id,
    status: r.status,
    subtotal: r.subtotal,
    shippingFee: r.shipping_fee,
    total: r.total,
    addressEnc: r.address_enc,
    payment: r.payment,
    shipment: r.shipment,
    lines: r.lines,
    history: r.history.map((h) => ({ status: h.status, at: new Date(h.at), reason: h.reason })),
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    cursor: { createdAt: r.cursor_at, id: r.id },
  }
}
