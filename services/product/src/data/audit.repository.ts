import type { Queryable } from '@shop/platform/db'

/** Read-only SQL behind GET /internal/audit: each product's stock beside its books. */

export interface InventoryFacts {
  productId: string
  deleted: boolean
  onHand: number
  reserved: number
  /** Σ quantities of the product in ACTIVE reservations: what `reserved` must equal. */
  activeReserved: number
  ledger: { initial: number; adjustments: number; sold: number; restocked: number }
}

interface Row {
  product_id: string
  deleted: boolean
  on_hand: number
  reserved: number
  opening_on_hand: number
  adjustments: number
  sold: number
  restocked: number
}

/** A page of products (with inventory) by id after `after`, their movements summed per kind. */
export async function inventoryFacts(db: Queryable, after: string | undefined, limit: number): Promise<InventoryFacts[]> {
  const { rows } = await db.query<Row>(
    `SELECT i.product_id, p.deleted_at IS NOT NULL AS deleted, i.on_hand, i.reserved, i.opening_on_hand,
            COALESCE(m.adjustments, 0) AS adjustments, COALESCE(m.sold, 0) AS sold, COALESCE(m.restocked, 0) AS restocked
       FROM inventory i
       JOIN products p ON p.id = i.product_id
       LEFT JOIN LATERAL (
         SELECT sum(quantity) FILTER (WHERE kind = 'adjustment') AS adjustments,
                sum(quantity) FILTER (WHERE kind = 'sold') AS sold,
                sum(quantity) FILTER (WHERE kind = 'restocked') AS restocked
           FROM inventory_movements WHERE product_id = i.product_id
       ) m ON true
      WHERE $1::uuid IS NULL OR i.product_id > $1::uuid
      ORDER BY i.product_id
      LIMIT $2`,
    [after ?? null, limit],
  )
  const active = await activeReserved(db, rows.map((r) => r.product_id))
  return rows.map((r) => ({
    productId: r.product_id,
    deleted: r.deleted,
    onHand: r.on_hand,
    reserved: r.reserved,
    activeReserved: active.get(r.product_id) ?? 0,
    ledger: { initial: r.opening_on_hand, adjustments: r.adjustments, sold: r.sold, restocked: r.restocked },
  }))
}

/** Units held by ACTIVE reservations per product (few rows: reservations end within minutes). */
async function activeReserved(db: Queryable, productIds: string[]): Promise<Map<string, number>> {
  if (productIds.length === 0) return new Map()
  const { rows } = await db.query<{ product_id: string; quantity: number }>(
    `SELECT ri.product_id, sum(ri.quantity) AS quantity
       FROM reservations r JOIN reservation_items ri ON ri.reservation_id = r.id
      WHERE r.status = 'ACTIVE' AND ri.product_id = ANY($1::uuid[])
      GROUP BY ri.product_id`,
    [productIds],
  )
  return new Map(rows.map((r) => [r.product_id, r.quantity]))
}
