import type { ShipmentStatus } from '@shop/contracts/shipping'
import type { Queryable } from '@shop/platform/db'

/** Read-only SQL behind GET /internal/audit: one line per shipment. */

export interface ShipmentFacts {
  shipmentId: string
  orderId: string
  status: ShipmentStatus
  createdAt: string
  updatedAt: string
}

/** A page of shipments by order id after `after`. */
export async function shipmentFacts(db: Queryable, after: string | undefined, limit: number): Promise<ShipmentFacts[]> {
  const { rows } = await db.query<{ id: string; order_id: string; status: ShipmentStatus; created_at: Date; updated_at: Date }>(
    `SELECT id, order_id, status, created_at, updated_at FROM shipments
      WHERE $1::uuid IS NULL OR order_id > $1::uuid ORDER BY order_id LIMIT $2`,
    [after ?? null, limit],
  )
  return rows.map((r) => ({
    shipmentId: r.id,
    orderId: r.order_id,
    status: r.status,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }))
}
