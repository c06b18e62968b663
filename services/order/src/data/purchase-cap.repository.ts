import type { PoolClient, Queryable } from '@shop/platform/db'

/** What the purchase cap reads: a user's units per product in recent orders that are not cancelled. */

/**
 * Takes, for the rest of the transaction, one advisory lock per (user, product), in a
 * fixed order so two orders naming the same products never deadlock. Two concurrent
 * orders by one user for one product are thereby counted one after the other.
 */
export async function lockPurchases(client: PoolClient, userId: string, productIds: readonly string[]): Promise<void> {
  // One statement per lock: the order of acquisition is then ours, not the planner's.
  for (const productId of [...new Set(productIds)].sort()) {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`purchase-cap:${userId}:${productId}`])
  }
}

/** Units of each of the products the user has in orders placed within the window and not cancelled. */
export async function unitsHeld(
  db: Queryable,
  userId: string,
  productIds: readonly string[],
  windowHours: number,
): Promise<Map<string, number>> {
  const { rows } = await db.query<{ product_id: string; units: number }>(
    `SELECT l.product_id, sum(l.quantity)::int AS units
       FROM orders o JOIN order_lines l ON l.order_id = o.id
      WHERE o.user_id = $1
        AND o.status <> 'CANCELLED'
        AND o.created_at > now() - make_interval(hours => $2)
        AND l.product_id = ANY($3::uuid[])
      GROUP BY l.product_id`,
    [userId, windowHours, productIds],
  )
  return new Map(rows.map((r) => [r.product_id, r.units]))
}
