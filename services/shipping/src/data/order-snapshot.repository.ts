import { prepared, type Queryable } from '@shop/platform/db'

/** SQL for what order.created and order.cancelled told shipping about orders. */

export interface OrderSnapshot {
  orderId: string
  userId: string
  addressEnc: string
  fee: number
}

/**
 * Keeps the first snapshot of an order (a redelivered order.created changes nothing;
 * nor does one arriving after order.cancelled made the row, so it stays cancelled),
 * written only from the inbox claim of its order.created: a statement for the handler's
 * effectStatement, its values (snapshotValues) from $4.
 */
export const SAVE_SNAPSHOT_ON_CLAIM = `INSERT INTO order_snapshots (order_id, user_id, address_enc, fee)
  SELECT $4::uuid, $5::uuid, $6::text, $7::int FROM claim
  ON CONFLICT (order_id) DO NOTHING`

export const snapshotValues = (s: OrderSnapshot): unknown[] => [s.orderId, s.userId, s.addressEnc, s.fee]

/** The order's snapshot as order.created told it; null when unknown (or known only as cancelled). */
export async function findOrderSnapshot(q: Queryable, orderId: string): Promise<OrderSnapshot | null> {
  const { rows } = await q.query<OrderSnapshot>(
    `SELECT order_id AS "orderId", user_id AS "userId", address_enc AS "addressEnc", fee
     FROM order_snapshots WHERE order_id = $1 AND user_id IS NOT NULL`,
    [orderId],
  )
  return rows[0] ?? null
}

const MARK_CANCELLED = prepared(`
  INSERT INTO order_snapshots (order_id, cancelled_at, cancel_reason) VALUES ($1, now(), $2)
  ON CONFLICT (order_id) DO UPDATE
     SET cancelled_at = COALESCE(order_snapshots.cancelled_at, EXCLUDED.cancelled_at),
         cancel_reason = COALESCE(order_snapshots.cancel_reason, EXCLUDED.cancel_reason)`)

/**
 * Records that the order is cancelled on its snapshot row (made here when order.created
 * has not arrived yet), holding that row's lock until the transaction ends. This is what
 * serialises order.cancelled with payment.completed, which locks the same row to create
 * the shipment (createShipmentFromSnapshot): a shipment committed before this returns is
 * visible to the caller's next statement, and one not yet created never will be.
 */
export async function markCancelled(q: Queryable, orderId: string, reason: string): Promise<void> {
  await q.query(MARK_CANCELLED([orderId, reason]))
}

export async function isOrderCancelled(q: Queryable, orderId: string): Promise<boolean> {
  const { rowCount } = await q.query('SELECT 1 FROM order_snapshots WHERE order_id = $1 AND cancelled_at IS NOT NULL', [orderId])
  return Boolean(rowCount)
}
