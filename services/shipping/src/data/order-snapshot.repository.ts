import { prepared, type Queryable } from '@shop/platform/db'

/** SQL for what order.created and order.cancelled told shipping about orders. */

export interface OrderSnapshot {
  orderId: string
  userId: string
  addressEnc: string
  fee: number
}

/**
 * Keeps the first snapshot of an order (a redelivered order.created changes nothing),
 * written only from the inbox claim of its order.created: a statement for the handler's
 * effectStatement, its values (snapshotValues) from $4.
 */
export const SAVE_SNAPSHOT_ON_CLAIM = `INSERT INTO order_snapshots (order_id, user_id, address_enc, fee)
  SELECT $4::uuid, $5::uuid, $6::text, $7::int FROM claim
  ON CONFLICT (order_id) DO NOTHING`

export const snapshotValues = (s: OrderSnapshot): unknown[] => [s.orderId, s.userId, s.addressEnc, s.fee]

export async function findOrderSnapshot(q: Queryable, orderId: string): Promise<OrderSnapshot | null> {
  const { rows } = await q.query<OrderSnapshot>(
    `SELECT order_id AS "orderId", user_id AS "userId", address_enc AS "addressEnc", fee
     FROM order_snapshots WHERE order_id = $1`,
    [orderId],
  )
  return rows[0] ?? null
}

const LOCK_ORDER = prepared("SELECT pg_advisory_xact_lock(hashtextextended('shipping-order:' || $1, 0))")

/**
 * Holds, until the transaction ends, the lock that serialises the handlers of one
 * order's events: payment.completed and order.cancelled each read what the other
 * writes (a shipment, a cancellation), so run side by side they could both read
 * nothing and leave a READY shipment for a cancelled order.
 */
export async function lockOrder(q: Queryable, orderId: string): Promise<void> {
  await q.query(LOCK_ORDER([orderId]))
}

export async function recordCancellation(q: Queryable, orderId: string, reason: string): Promise<void> {
  await q.query(
    'INSERT INTO order_cancellations (order_id, reason) VALUES ($1, $2) ON CONFLICT (order_id) DO NOTHING',
    [orderId, reason],
  )
}

export async function isOrderCancelled(q: Queryable, orderId: string): Promise<boolean> {
  const { rowCount } = await q.query('SELECT 1 FROM order_cancellations WHERE order_id = $1', [orderId])
  return Boolean(rowCount)
}
