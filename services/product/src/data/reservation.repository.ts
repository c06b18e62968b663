import type { Reservation, ReservationStatus } from '@shop/contracts/product'
import type { Queryable } from '@shop/platform/db'
import type { Line } from '../domain/inventory-rules.ts'

export interface ReservationItem extends Line {
  unitPrice: number
  name: string
}

interface ReservationRow {
  id: string
  order_id: string
  status: ReservationStatus
  expires_at: Date
}

/** Claims the order's reservation; null when the order already has one (its id is the idempotency key). */
export async function insertReservation(db: Queryable, orderId: string, ttlSeconds: number): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO reservations (order_id, status, expires_at)
     VALUES ($1, 'ACTIVE', now() + make_interval(secs => $2))
     ON CONFLICT (order_id) DO NOTHING RETURNING id`,
    [orderId, ttlSeconds],
  )
  return rows[0]?.id ?? null
}

/** Stores the reserved lines with their price snapshots. */
export async function insertItems(db: Queryable, reservationId: string, items: readonly ReservationItem[]): Promise<void> {
  await db.query(
    `INSERT INTO reservation_items (reservation_id, product_id, quantity, unit_price, name)
     SELECT $1, * FROM unnest($2::uuid[], $3::int[], $4::bigint[], $5::text[])`,
    [reservationId, items.map((i) => i.productId), items.map((i) => i.quantity), items.map((i) => i.unitPrice), items.map((i) => i.name)],
  )
}

/** The order's reservation with its lines (sorted by product id), optionally locking the reservation row. */
export async function findByOrder(db: Queryable, orderId: string, opts: { forUpdate?: boolean } = {}): Promise<Reservation | null> {
  const { rows } = await db.query<ReservationRow>(
    `SELECT id, order_id, status, expires_at FROM reservations WHERE order_id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [orderId],
  )
  if (!rows[0]) return null
  const items = await itemsOf(db, [rows[0].id])
  return {
    reservationId: rows[0].id,
    orderId: rows[0].order_id,
    status: rows[0].status,
    expiresAt: rows[0].expires_at.toISOString(),
    items,
  }
}

/** The lines of the given reservations, summed per product and sorted by product id (the lock order). */
export async function itemsOf(db: Queryable, reservationIds: string[]): Promise<ReservationItem[]> {
  const { rows } = await db.query<{ product_id: string; quantity: number; unit_price: number; name: string }>(
    `SELECT product_id, sum(quantity)::int AS quantity, min(unit_price) AS unit_price, min(name) AS name
     FROM reservation_items WHERE reservation_id = ANY($1::uuid[])
     GROUP BY product_id ORDER BY product_id`,
    [reservationIds],
  )
  return rows.map((r) => ({ productId: r.product_id, quantity: r.quantity, unitPrice: r.unit_price, name: r.name }))
}

/** Moves a reservation to a new status. */
export async function setStatus(db: Queryable, reservationId: string, status: ReservationStatus): Promise<void> {
  await db.query('UPDATE reservations SET status = $2, updated_at = now() WHERE id = $1', [reservationId, status])
}

/**
 * Locks up to `limit` expired ACTIVE reservations. SKIP LOCKED lets several replicas sweep
 * at once without waiting on, or double-releasing, each other's rows.
 */
export async function lockExpired(db: Queryable, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM reservations WHERE status = 'ACTIVE' AND expires_at <= now()
     ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  )
  return rows.map((r) => r.id)
}

/** Marks the given reservations EXPIRED. */
export async function markExpired(db: Queryable, reservationIds: string[]): Promise<void> {
  await db.query(`UPDATE reservations SET status = 'EXPIRED', updated_at = now() WHERE id = ANY($1::uuid[])`, [reservationIds])
}
