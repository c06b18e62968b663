import type { Reservation, ReservationStatus, StockLevel } from '@shop/contracts/product'
import { literal, prepared, type Queryable, type QueryResult } from '@shop/platform/db'
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

/**
 * The statement that claims the order's reservation (its id is the idempotency key),
 * without parameters, so it can open a transaction in one round trip with BEGIN
 * (withTransactionFrom); it returns no row when the order already has a reservation.
 */
export function claimReservation(orderId: string, ttlSeconds: number): string {
  return `INSERT INTO reservations (order_id, status, expires_at)
    VALUES (${literal(orderId)}::uuid, 'ACTIVE', now() + make_interval(secs => ${Math.trunc(ttlSeconds)}))
    ON CONFLICT (order_id) DO NOTHING RETURNING id, expires_at`
}

/** The claimed reservation from claimReservation's result; null when the order already had one. */
export function claimedReservation(result: QueryResult): { reservationId: string; expiresAt: Date } | null {
  const row = result.rows[0] as { id: string; expires_at: Date } | undefined
  return row ? { reservationId: row.id, expiresAt: row.expires_at } : null
}

export interface ReservedLine {
  /** The product's stock after this line was reserved. */
  level: StockLevel
  unitPrice: number
  name: string
}

const RESERVE_LINE = prepared(`
  WITH taken AS (
    UPDATE inventory i SET reserved = i.reserved + $3, updated_at = now()
      FROM products p
     WHERE i.product_id = $2 AND p.id = i.product_id AND p.deleted_at IS NULL AND i.on_hand - i.reserved >= $3
    RETURNING i.product_id, i.on_hand, i.reserved, p.price, p.name),
  item AS (
    INSERT INTO reservation_items (reservation_id, product_id, quantity, unit_price, name)
    SELECT $1, product_id, $3, price, name FROM taken)
  SELECT on_hand, reserved, price, name FROM taken`)

/**
 * Reserves one line when that many units are available of a product that exists, and
 * stores it with its price snapshot, in one statement: the conditional UPDATE holds the
 * row lock, so stock never goes negative. Null when refused (unknown, deleted or short);
 * the caller finds out which.
 */
export async function reserveLine(db: Queryable, reservationId: string, line: Line): Promise<ReservedLine | null> {
  const { rows } = await db.query<{ on_hand: number; reserved: number; price: number; name: string }>(
    RESERVE_LINE([reservationId, line.productId, line.quantity]),
  )
  const r = rows[0]
  if (!r) return null
  return {
    level: { productId: line.productId, onHand: r.on_hand, reserved: r.reserved, available: r.on_hand - r.reserved },
    unitPrice: r.price,
    name: r.name,
  }
}

/** The lines of one reservation (`r`), summed per product and sorted by product id, as a JSON array. */
const ITEMS_OF_R = `COALESCE((
  SELECT json_agg(json_build_object('productId', i.product_id, 'quantity', i.quantity, 'unitPrice', i.unit_price, 'name', i.name)
                  ORDER BY i.product_id)
    FROM (SELECT product_id, sum(quantity)::int AS quantity, min(unit_price) AS unit_price, min(name) AS name
            FROM reservation_items WHERE reservation_id = r.id GROUP BY product_id) i), '[]')`

const FIND_BY_ORDER_SQL = `SELECT r.id, r.order_id, r.status, r.expires_at, ${ITEMS_OF_R} AS items
  FROM reservations r WHERE r.order_id = $1`
const FIND_BY_ORDER = prepared(FIND_BY_ORDER_SQL)
const LOCK_BY_ORDER = prepared(`${FIND_BY_ORDER_SQL} FOR UPDATE OF r`)

/**
 * The order's reservation with its lines (sorted by product id), optionally locking the
 * reservation row; one statement. The lines are written with the reservation and never
 * change, so reading them beside a row lock that waited is safe.
 */
export async function findByOrder(db: Queryable, orderId: string, opts: { forUpdate?: boolean } = {}): Promise<Reservation | null> {
  const statement = opts.forUpdate ? LOCK_BY_ORDER : FIND_BY_ORDER
  const { rows } = await db.query<ReservationRow & { items: ReservationItem[] }>(statement([orderId]))
  if (!rows[0]) return null
  return {
    reservationId: rows[0].id,
    orderId: rows[0].order_id,
    status: rows[0].status,
    expiresAt: rows[0].expires_at.toISOString(),
    items: rows[0].items,
  }
}

const COMMIT_ACTIVE = prepared(`
  WITH r AS (
    UPDATE reservations SET status = 'COMMITTED', updated_at = now()
     WHERE order_id = $1 AND status = 'ACTIVE' RETURNING id)
  SELECT r.id, ${ITEMS_OF_R} AS items FROM r`)

/**
 * ACTIVE → COMMITTED for the order's reservation, taking its row lock; returns it with
 * its lines, or null when the order has no ACTIVE reservation (nothing is changed then).
 */
export async function commitActive(db: Queryable, orderId: string): Promise<{ reservationId: string; items: ReservationItem[] } | null> {
  const { rows } = await db.query<{ id: string; items: ReservationItem[] }>(COMMIT_ACTIVE([orderId]))
  return rows[0] ? { reservationId: rows[0].id, items: rows[0].items } : null
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
