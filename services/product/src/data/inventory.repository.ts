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

/** Sets on_hand unless that would put it below what is reserved; null when refused or absent. */
export async function setOnHand(db: Queryable, productId: string, onHand: number): Promise<StockLevel | null> {
  const { rows } = await db.query<LevelRow>(
    `UPDATE inventory SET on_hand = $2, updated_at = now() WHERE product_id = $1 AND reserved <= $2
     RETURNING product_id, on_hand, reserved`,
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

/** Turns reserved units into sold ones: on hand and reserved both drop (payment completed). */
export async function commitUnits(db: Queryable, lines: readonly Line[]): Promise<void> {
  for (const line of lines) {
    await db.query(
      'UPDATE inventory SET on_hand = on_hand - $2, reserved = reserved - $2, updated_at = now() WHERE product_id = $1',
      [line.productId, line.quantity],
    )
  }
}

/** Sold units come back to the shelf (an order cancelled after payment). */
export async function restockUnits(db: Queryable, lines: readonly Line[]): Promise<void> {
  for (const line of lines) {
    await db.query('UPDATE inventory SET on_hand = on_hand + $2, updated_at = now() WHERE product_id = $1', [
      line.productId,
      line.quantity,
    ])
  }
}

/** Takes units straight off the shelf when available (a payment that outlived its reservation); false when short. */
export async function takeUnits(db: Queryable, line: Line): Promise<StockLevel | null> {
  const { rows } = await db.query<LevelRow>(
    `UPDATE inventory SET on_hand = on_hand - $2, updated_at = now()
     WHERE product_id = $1 AND on_hand - reserved >= $2
     RETURNING product_id, on_hand, reserved`,
    [line.productId, line.quantity],
  )
  return rows[0] ? toLevel(rows[0]) : null
}
