import type { ReservationStatus } from '@shop/contracts/product'
import type { PoolClient } from '@shop/platform/db'
import type { ProductContext } from '../context.ts'
import { commitUnits, restockUnits, takeUnits } from '../data/inventory.repository.ts'
import { commitActive, findByOrder, setStatus } from '../data/reservation.repository.ts'
import { announceLowStock } from './low-stock.ts'
import { releaseActive } from './release-reservation.ts'

/**
 * What events do to a reservation, inside the inbox transaction. Each step reads the
 * status under the row lock and applies only from the state it expects, so a second
 * event for the same order (a redelivery with another id, a concurrent duplicate) has
 * no second effect.
 */

/** payment.completed: ACTIVE → COMMITTED (on hand and reserved both drop). Returns the status after, or null without a reservation. */
export async function commitReservation(ctx: ProductContext, client: PoolClient, orderId: string): Promise<ReservationStatus | null> {
  // The usual case in one statement: an ACTIVE reservation moves on under its row lock.
  const active = await commitActive(client, orderId)
  if (active) {
    await commitUnits(client, active.items, orderId)
    return 'COMMITTED'
  }
  const r = await findByOrder(client, orderId, { forUpdate: true })
  if (!r) {
    ctx.logger.warn({ orderId }, 'payment completed for an order without a reservation')
    return null
  }
  if (r.status !== 'EXPIRED') return r.status
  // Paid after the reservation lapsed: take the units again if they are still there, all or none.
  await client.query('SAVEPOINT late_commit')
  for (const line of r.items) {
    const after = await takeUnits(client, line, orderId)
    if (!after) {
      await client.query('ROLLBACK TO SAVEPOINT late_commit')
      ctx.logger.error({ orderId, productId: line.productId }, 'paid order outlived its reservation and the stock is gone')
      return 'EXPIRED'
    }
    await announceLowStock(client, line.productId, after.available + line.quantity, after.available, ctx.settings.INVENTORY_LOW_THRESHOLD)
  }
  await client.query('RELEASE SAVEPOINT late_commit')
  await setStatus(client, r.reservationId, 'COMMITTED')
  return 'COMMITTED'
}

/** order.cancelled: ACTIVE → RELEASED, COMMITTED → RESTOCKED (on hand grows back); anything else stays. */
export async function returnReservation(client: PoolClient, orderId: string): Promise<ReservationStatus | null> {
  const r = await findByOrder(client, orderId, { forUpdate: true })
  if (!r) return null
  if (r.status === 'ACTIVE') return (await releaseActive(client, r)).status
  if (r.status !== 'COMMITTED') return r.status
  await restockUnits(client, r.items, orderId)
  await setStatus(client, r.reservationId, 'RESTOCKED')
  return 'RESTOCKED'
}
