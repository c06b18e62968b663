import type { Reservation, ReservationStatus } from '@shop/contracts/product'
import { prepared, type Queryable } from '@shop/platform/db'
import { type ClaimRow, inboxClaim } from '@shop/platform/inbox'
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

/** What one line of a reservation found under its product's row lock. */
export interface LineLevel extends Line {
  /** False for a product that does not exist or is deleted. */
  live: boolean
  /** Units available before this reservation (0 without an inventory row). */
  available: number
  unitPrice: number | null
  name: string | null
}

export interface ReserveAllResult {
  /** The new reservation; null when the order has one already, or when a line was refused (nothing written then). */
  claimed: { reservationId: string; expiresAt: Date } | null
  /** Every line, in the order given (product-id order). */
  lines: LineLevel[]
}

const RESERVE_ALL = prepared(`
  WITH lines AS (
    SELECT l.product_id, l.quantity, l.ord FROM unnest($3::uuid[], $4::int[]) WITH ORDINALITY AS l(product_id, quantity, ord)),
  locked AS MATERIALIZED (
    SELECT i.product_id, i.on_hand, i.reserved FROM inventory i
     WHERE i.product_id = ANY($3::uuid[]) ORDER BY i.product_id FOR NO KEY UPDATE),
  level AS MATERIALIZED (
    SELECT l.product_id, l.quantity, l.ord, p.price, p.name, p.id IS NOT NULL AS live,
           COALESCE(k.on_hand - k.reserved, 0) AS available
      FROM lines l
      LEFT JOIN locked k ON k.product_id = l.product_id
      LEFT JOIN products p ON p.id = l.product_id AND p.deleted_at IS NULL),
  claim AS (
    INSERT INTO reservations (order_id, status, expires_at)
    SELECT $1::uuid, 'ACTIVE', now() + make_interval(secs => $2::int)
     WHERE (SELECT bool_and(live AND available >= quantity) FROM level)
    ON CONFLICT (order_id) DO NOTHING RETURNING id, expires_at),
  taken AS (
    UPDATE inventory i SET reserved = i.reserved + v.quantity, updated_at = now()
      FROM level v, claim c WHERE i.product_id = v.product_id
    RETURNING i.product_id),
  item AS (
    INSERT INTO reservation_items (reservation_id, product_id, quantity, unit_price, name)
    SELECT c.id, v.product_id, v.quantity, v.price, v.name FROM level v, claim c),
  low AS (
    INSERT INTO outbox (id, type, envelope)
    SELECT (e.envelope ->> 'id')::uuid, 'inventory.low', jsonb_set(e.envelope, '{data,available}', to_jsonb(v.available - v.quantity))
      FROM level v
      JOIN taken t ON t.product_id = v.product_id
      JOIN unnest($6::jsonb[]) WITH ORDINALITY AS e(envelope, ord) ON e.ord = v.ord
     WHERE v.available >= $5::int AND v.available - v.quantity < $5::int)
  SELECT c.id, c.expires_at,
         (SELECT json_agg(json_build_object('productId', product_id, 'quantity', quantity, 'live', live,
                          'available', available, 'unitPrice', price, 'name', name) ORDER BY ord) FROM level) AS lines
    FROM (SELECT 1) one LEFT JOIN claim c ON true`)

/**
 * Reserves every line or none, in one statement (one round trip, one commit): it locks
 * the lines' inventory rows in product-id order (so two reservations never deadlock),
 * reads what is available under those locks, and only when every line is a live product
 * with enough units claims the order's reservation (its id is the idempotency key) and
 * takes the units, storing each line with its price snapshot. The table's CHECK is the
 * last wall against negative stock. `lowStock` holds one inventory.low outbox envelope
 * per line (its data.available is filled in); one is enqueued for each line this takes
 * from at-or-above `threshold` to below it. Without a claim nothing is written, and the
 * lines tell the caller why.
 */
export async function reserveAll(
  db: Queryable,
  r: { orderId: string; ttlSeconds: number; lines: readonly Line[]; threshold: number; lowStock: string[] },
): Promise<ReserveAllResult> {
  const { rows } = await db.query<{ id: string | null; expires_at: Date | null; lines: LineLevel[] }>(
    RESERVE_ALL([
      r.orderId,
      Math.trunc(r.ttlSeconds),
      r.lines.map((l) => l.productId),
      r.lines.map((l) => l.quantity),
      r.threshold,
      r.lowStock,
    ]),
  )
  const row = rows[0]
  const claimed = row.id && row.expires_at ? { reservationId: row.id, expiresAt: row.expires_at } : null
  return { claimed, lines: row.lines }
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

const COMMIT_ACTIVE_ON_CLAIM = prepared(`
  WITH active AS MATERIALIZED (
    SELECT id FROM reservations WHERE order_id = $4::uuid AND status = 'ACTIVE' FOR UPDATE),
  claim AS (${inboxClaim(1, 'EXISTS (SELECT 1 FROM active)')}),
  r AS (
    UPDATE reservations SET status = 'COMMITTED', updated_at = now()
      FROM active a, claim WHERE reservations.id = a.id RETURNING reservations.id),
  items AS MATERIALIZED (
    SELECT ri.product_id, sum(ri.quantity)::int AS quantity
      FROM reservation_items ri JOIN active a ON ri.reservation_id = a.id, claim GROUP BY ri.product_id),
  locked AS MATERIALIZED (
    SELECT i.product_id FROM inventory i JOIN items it ON it.product_id = i.product_id
     ORDER BY i.product_id FOR NO KEY UPDATE OF i),
  sold AS (
    UPDATE inventory i SET on_hand = i.on_hand - it.quantity, reserved = i.reserved - it.quantity, updated_at = now()
      FROM items it JOIN locked l ON l.product_id = it.product_id
     WHERE i.product_id = it.product_id
    RETURNING i.product_id),
  booked AS (
    INSERT INTO inventory_movements (product_id, kind, quantity, order_id)
    SELECT it.product_id, 'sold', it.quantity, $4::uuid FROM items it JOIN sold s ON s.product_id = it.product_id)
  SELECT EXISTS (SELECT 1 FROM active) AS active, EXISTS (SELECT 1 FROM claim) AS claimed`)

/**
 * The usual payment.completed in one statement (one round trip, one commit): when the
 * order's reservation, locked, is ACTIVE, the event's inbox row is claimed (inboxClaim),
 * and only a claim moves the reservation to COMMITTED and sells its units (on hand and
 * reserved both drop, booked as movements), the inventory rows locked in product-id
 * order. 'duplicate' when the reservation was ACTIVE but the event was claimed already;
 * 'not_in_state', with nothing written, when the order has no ACTIVE reservation (a
 * redelivery, another event for the order, a lapsed or missing reservation): the caller
 * then takes the inbox transaction.
 */
export async function commitActiveOnClaim(
  db: Queryable,
  claim: ClaimRow,
  orderId: string,
): Promise<'applied' | 'duplicate' | 'not_in_state'> {
  const { rows } = await db.query<{ active: boolean; claimed: boolean }>(COMMIT_ACTIVE_ON_CLAIM([...claim, orderId]))
  if (!rows[0].active) return 'not_in_state'
  return rows[0].claimed ? 'applied' : 'duplicate'
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
