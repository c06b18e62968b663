import type { StockLevel } from '@shop/contracts/product'
import type { Queryable } from '@shop/platform/db'
import type { Line } from '../domain/inventory-rules.ts'

/**
 * Stock changes are single conditional UPDATEs: the condition and the change happen in
 * one statement under the row lock, so two buyers can never both take the last unit
 * (no read-then-write), and the table's CHECK is the final guard.
 */

interface LevelRow {
  product_id: string
  on_hand: number
  reserved: number
}

const toLevel = (r: LevelRow): StockLevel => ({
  productId: r.product_id,
  onHand: r.on_hand,
  reserved: r.reserved,
  available: r.on_hand - r.reserved,
})

/** Creates the inventory row of a new product. */
export async function createInventory(db: Queryable, productId: string, onHand: number): Promise<StockLevel> {
  const { rows } = await db.query<LevelRow>(
    'INSERT INTO inventory (product_id, on_hand) VALUES ($1, $2) RETURNING product_id, on_hand, reserved',
    [productId, onHand],
  )
  return toLevel(rows[0])
}

/** The stock level of a product (deleted ones included), or null without an inventory row. */
export async function stockLevel(db: Queryable, productId: string, opts: { forUpdate?: boolean } = {}): Promise<StockLevel | null> {
  const { rows } = await db.query<LevelRow>(
    `SELECT product_id, on_hand, reserved FROM inventory WHERE product_id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [productId],
  )
  return rows[0] ? toLevel(rows[0]) : null
}

/** Available units per product id (absent ids are left out). */
export async function availableOf(db: Queryable, productIds: string[]): Promise<Map<string, number>> {
  if (productIds.length === 0) return new Map()
  const { rows } = await db.query<{ product_id: string; available: number }>(
    'SELECT product_id, on_hand - reserved AS available FROM inventory WHERE product_id = ANY($1::uuid[])',
    [productIds],
  )
  return new Map(rows.map((r) => [r.product_id, r.available]))
}

/**
 * Sets on_hand unless that would put it below what is reserved, booking the difference
 * as an adjustment in the same statement; null when refused or absent. The caller holds
 * the row lock (applyOnHand takes it), so `before` reads the value this UPDATE replaces.
 */
export async function setOnHand(db: Queryable, productId: string, onHand: number): Promise<StockLevel | null> {
  const { rows } = await db.query<LevelRow>(
    `WITH before AS (SELECT product_id, on_hand FROM inventory WHERE product_id = $1),
          after AS (UPDATE inventory SET on_hand = $2, updated_at = now() WHERE product_id = $1 AND reserved <= $2
                    RETURNING product_id, on_hand, reserved),
          booked AS (INSERT INTO inventory_movements (product_id, kind, quantity)
                     SELECT a.product_id, 'adjustment', a.on_hand - b.on_hand FROM after a JOIN before b USING (product_id)
                     WHERE a.on_hand <> b.on_hand)
     SELECT product_id, on_hand, reserved FROM after`,
    [productId, onHand],
  )
  return rows[0] ? toLevel(rows[0]) : null
}

/** Reserves quantity when that many are available; the level after, or null when short. */
export async function reserveUnits(db: Queryable, line: Line): Promise<StockLevel | null> {
  const { rows } = await db.query<LevelRow>(
    `UPDATE inventory SET reserved = reserved + $2, updated_at = now()
     WHERE product_id = $1 AND on_hand - reserved >= $2
     RETURNING product_id, on_hand, reserved`,
    [line.productId, line.quantity],
  )
  return rows[0] ? toLevel(rows[0]) : null
}

/** Gives reserved units back (release, expiry), line by line in the given (sorted) order. */
export async function unreserveUnits(db: Queryable, lines: readonly Line[]): Promise<void> {
  for (const line of lines) {
    await db.query('UPDATE inventory SET reserved = reserved - $2, updated_at = now() WHERE product_id = $1', [
      line.productId,
      line.quantity,
    ])
  }
}

/** Books a movement of `quantity` units of a line's product with the statement that changes on_hand. */
const booked = (update: string) =>
  `WITH changed AS (${update} RETURNING product_id, on_hand, reserved),
        booked AS (INSERT INTO inventory_movements (product_id, kind, quantity, order_id)
                   SELECT product_id, $3::text, $2, $4::uuid FROM changed)
   SELECT product_id, on_hand, reserved FROM changed`

/** Turns reserved units into sold ones for the order: on hand and reserved both drop. */
export async function commitUnits(db: Queryable, lines: readonly Line[], orderId: string): Promise<void> {
  for (const line of lines) {
    await db.query(
      booked('UPDATE inventory SET on_hand = on_hand - $2, reserved = reserved - $2, updated_at = now() WHERE product_id = $1'),
      [line.productId, line.quantity, 'sold', orderId],
    )
  }
}

/** Sold units of the order come back to the shelf (it was cancelled after payment). */
export async function restockUnits(db: Queryable, lines: readonly Line[], orderId: string): Promise<void> {
  for (const line of lines) {
    await db.query(booked('UPDATE inventory SET on_hand = on_hand + $2, updated_at = now() WHERE product_id = $1'), [
      line.productId,
      line.quantity,
      'restocked',
      orderId,
    ])
  }
}

/** Sells units straight off the shelf when available (a payment that outlived its reservation); null when short. */
export async function takeUnits(db: Queryable, line: Line, orderId: string): Promise<StockLevel | null> {
  const { rows } = await db.query<LevelRow>(
    booked(`UPDATE inventory SET on_hand = on_hand - $2, updated_at = now()
            WHERE product_id = $1 AND on_hand - reserved >= $2`),
    [line.productId, line.quantity, 'sold', orderId],
  )
  return rows[0] ? toLevel(rows[0]) : null
}
