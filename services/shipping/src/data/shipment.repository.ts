import type { CarrierCode, ShipmentStatus } from '@shop/contracts/shipping'
import { prepared, type Queryable } from '@shop/platform/db'
import { type ClaimRow, inboxClaim } from '@shop/platform/inbox'

/** SQL for shipments and their tracking events; plain typed objects out. */

export interface ShipmentRecord {
  id: string
  orderId: string
  userId: string
  status: ShipmentStatus
  carrier: CarrierCode | null
  trackingNumber: string | null
  fee: number
  /** The address as one field ciphertext; only the view layer decrypts it. */
  addressEnc: string
  createdAt: Date
  updatedAt: Date
}

export interface TrackingEventRecord {
  status: ShipmentStatus
  location: string | null
  at: Date
}

const COLUMNS = `id, order_id AS "orderId", user_id AS "userId", status, carrier,
  tracking_number AS "trackingNumber", fee, address_enc AS "addressEnc",
  created_at AS "createdAt", updated_at AS "updatedAt"`

/**
 * The statement that creates an order's READY shipment, with its first tracking event,
 * from what order.created told us, unless the order has a shipment already or is
 * cancelled. It locks the snapshot row (order.cancelled marks the same row, markCancelled),
 * and a lock that had to wait re-reads cancelled_at from the row as committed: the two
 * events of one order never both act on nothing. With a claim ($4 consumer, $5 event id,
 * $6 type), the event's inbox row is claimed only when that locked row is a live order
 * (inboxClaim), and only the claim writes.
 */
const createFromSnapshot = (claim: boolean) => `
  WITH o AS MATERIALIZED (
    SELECT order_id, user_id, fee, address_enc FROM order_snapshots
     WHERE order_id = $2 AND cancelled_at IS NULL AND user_id IS NOT NULL FOR NO KEY UPDATE),${
       claim
         ? `
  claim AS (${inboxClaim(4, 'EXISTS (SELECT 1 FROM o)')}),`
         : ''
     }
  created AS (
    INSERT INTO shipments (id, order_id, user_id, status, fee, address_enc, created_at, updated_at)
    SELECT $1, o.order_id, o.user_id, 'READY', o.fee, o.address_enc, $3, $3 FROM o${claim ? ', claim' : ''}
    ON CONFLICT (order_id) DO NOTHING
    RETURNING id),
  tracked AS (INSERT INTO shipment_events (shipment_id, status, at) SELECT id, 'READY', $3 FROM created)
  SELECT (SELECT id FROM created) AS id${claim ? ', EXISTS (SELECT 1 FROM o) AS live, EXISTS (SELECT 1 FROM claim) AS claimed' : ''}`
const CREATE_FROM_SNAPSHOT = prepared(createFromSnapshot(false))
const CREATE_FROM_SNAPSHOT_ON_CLAIM = prepared(createFromSnapshot(true))

/** Creates the order's READY shipment in one statement (see createFromSnapshot); null when it created none, and the caller finds out why. */
export async function createShipmentFromSnapshot(q: Queryable, s: { id: string; orderId: string; at: Date }): Promise<string | null> {
  const { rows } = await q.query<{ id: string | null }>(CREATE_FROM_SNAPSHOT([s.id, s.orderId, s.at]))
  return rows[0]?.id ?? null
}

/**
 * The same with the event's inbox claim: the usual payment.completed in one statement
 * (one round trip, one commit). 'applied' when claimed (a shipment created, or none
 * because the order has one already: another event for it); 'duplicate' when the
 * event was claimed already; 'not_in_state', with nothing written, when the order is
 * cancelled or not known yet: the caller then takes the inbox transaction.
 */
export async function createShipmentOnClaim(
  q: Queryable,
  s: { id: string; orderId: string; at: Date },
  claim: ClaimRow,
): Promise<'applied' | 'duplicate' | 'not_in_state'> {
  const { rows } = await q.query<{ live: boolean; claimed: boolean }>(CREATE_FROM_SNAPSHOT_ON_CLAIM([s.id, s.orderId, s.at, ...claim]))
  if (!rows[0].live) return 'not_in_state'
  return rows[0].claimed ? 'applied' : 'duplicate'
}

/** The shipment with this id; `forUpdate` locks its row until the transaction ends. */
export async function findShipmentById(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}) {
  const { rows } = await q.query<ShipmentRecord>(
    `SELECT ${COLUMNS} FROM shipments WHERE id = $1 ${opts.forUpdate ? 'FOR UPDATE' : ''}`,
    [id],
  )
  return rows[0] ?? null
}

/** The shipment of an order; `forUpdate` locks its row until the transaction ends. */
export async function findShipmentByOrderId(q: Queryable, orderId: string, opts: { forUpdate?: boolean } = {}) {
  const { rows } = await q.query<ShipmentRecord>(
    `SELECT ${COLUMNS} FROM shipments WHERE order_id = $1 ${opts.forUpdate ? 'FOR UPDATE' : ''}`,
    [orderId],
  )
  return rows[0] ?? null
}

export async function findShipmentByTrackingNumber(q: Queryable, trackingNumber: string) {
  const { rows } = await q.query<ShipmentRecord>(`SELECT ${COLUMNS} FROM shipments WHERE tracking_number = $1`, [
    trackingNumber,
  ])
  return rows[0] ?? null
}

export async function trackingNumberInUse(q: Queryable, trackingNumber: string): Promise<boolean> {
  const { rowCount } = await q.query('SELECT 1 FROM shipments WHERE tracking_number = $1', [trackingNumber])
  return Boolean(rowCount)
}

/**
 * Moves a shipment from `from` to `to`, only if it is still in `from`: of two concurrent
 * updates the second finds the status changed and gets null.
 */
export async function updateShipmentStatus(
  q: Queryable,
  u: { id: string; from: ShipmentStatus; to: ShipmentStatus; carrier: CarrierCode | null; trackingNumber: string | null; at: Date },
): Promise<ShipmentRecord | null> {
  const { rows } = await q.query<ShipmentRecord>(
    `UPDATE shipments SET
       status = $3, carrier = $4, tracking_number = $5, updated_at = $6,
       dispatched_at = CASE WHEN $3 = 'DISPATCHED' THEN $6 ELSE dispatched_at END,
       delivered_at = CASE WHEN $3 = 'DELIVERED' THEN $6 ELSE delivered_at END,
       cancelled_at = CASE WHEN $3 = 'CANCELLED' THEN $6 ELSE cancelled_at END
     WHERE id = $1 AND status = $2
     RETURNING ${COLUMNS}`,
    [u.id, u.from, u.to, u.carrier, u.trackingNumber, u.at],
  )
  return rows[0] ?? null
}

export async function appendTrackingEvent(
  q: Queryable,
  e: { shipmentId: string; status: ShipmentStatus; location?: string; at: Date },
): Promise<void> {
  await q.query('INSERT INTO shipment_events (shipment_id, status, location, at) VALUES ($1, $2, $3, $4)', [
    e.shipmentId,
    e.status,
    e.location ?? null,
    e.at,
  ])
}

/** A shipment's tracking events, oldest first. */
export async function listTrackingEvents(q: Queryable, shipmentId: string): Promise<TrackingEventRecord[]> {
  const { rows } = await q.query<TrackingEventRecord>(
    'SELECT status, location, at FROM shipment_events WHERE shipment_id = $1 ORDER BY id',
    [shipmentId],
  )
  return rows
}

/**
 * Locks up to `limit` parcels on the road last updated before `before`, skipping rows
 * another replica holds, so several simulators never advance the same parcel.
 */
export async function claimParcelsOnTheRoad(q: Queryable, opts: { before: Date; limit: number }): Promise<ShipmentRecord[]> {
  const { rows } = await q.query<ShipmentRecord>(
    `SELECT ${COLUMNS} FROM shipments
     WHERE status IN ('DISPATCHED', 'IN_TRANSIT') AND updated_at < $1
     ORDER BY updated_at
     LIMIT $2
     FOR UPDATE SKIP LOCKED`,
    [opts.before, opts.limit],
  )
  return rows
}

/** Marks a parcel as looked at without changing its status. */
export async function touchShipment(q: Queryable, id: string, at: Date): Promise<void> {
  await q.query('UPDATE shipments SET updated_at = $2 WHERE id = $1', [id, at])
}

/** Where a page of the queue ends: created_at as microsecond text and the id. */
export interface ShipmentCursor {
  createdAt: string
  id: string
}

/** A page of shipments, oldest first, after the cursor; one more row than asked tells if there is a next page. */
export async function listShipments(
  q: Queryable,
  f: { status?: ShipmentStatus; after?: ShipmentCursor; limit: number },
): Promise<{ shipments: (ShipmentRecord & { cursor: string })[]; more: boolean }> {
  const where: string[] = []
  const params: unknown[] = []
  if (f.status) {
    params.push(f.status)
    where.push(`status = $${params.length}`)
  }
  if (f.after) {
    params.push(f.after.createdAt, f.after.id)
    where.push(`(created_at, id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`)
  }
  params.push(f.limit + 1)
  const { rows } = await q.query<ShipmentRecord & { cursor: string }>(
    `SELECT ${COLUMNS}, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor
       FROM shipments ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at, id LIMIT $${params.length}`,
    params,
  )
  return { shipments: rows.slice(0, f.limit), more: rows.length > f.limit }
}

/** The tracking events of several shipments at once, each one's in order. */
export async function listTrackingEventsOf(q: Queryable, shipmentIds: string[]): Promise<Map<string, TrackingEventRecord[]>> {
  const { rows } = await q.query<TrackingEventRecord & { shipmentId: string }>(
    'SELECT shipment_id AS "shipmentId", status, location, at FROM shipment_events WHERE shipment_id = ANY ($1::uuid[]) ORDER BY id',
    [shipmentIds],
  )
  const out = new Map<string, TrackingEventRecord[]>(shipmentIds.map((id) => [id, []]))
  for (const { shipmentId, ...e } of rows) out.get(shipmentId)?.push(e)
  return out
}
