import type { Reservation } from '@shop/contracts/product'
import { type PoolClient, withTransaction } from '@shop/platform/db'
import type { ProductContext } from '../context.ts'
import { unreserveUnits } from '../data/inventory.repository.ts'
import { findByOrder, setStatus } from '../data/reservation.repository.ts'
import { ReservationNotFound } from '../product.errors.ts'

/** Gives an ACTIVE reservation's units back, in the caller's transaction; other statuses are left as they are. */
export async function releaseActive(client: PoolClient, reservation: Reservation): Promise<Reservation> {
  if (reservation.status !== 'ACTIVE') return reservation
  await unreserveUnits(client, reservation.items)
  await setStatus(client, reservation.reservationId, 'RELEASED')
  return { ...reservation, status: 'RELEASED' }
}

/**
 * The order service's compensation: releases the order's ACTIVE reservation. Idempotent:
 * releasing again (or a reservation already committed, expired or restocked) answers the
 * reservation as it is. No reservation for the order: 404.
 */
export async function releaseReservation(ctx: ProductContext, orderId: string): Promise<Reservation> {
  return withTransaction(ctx.pool, async (client) => {
    const reservation = await findByOrder(client, orderId, { forUpdate: true })
    if (!reservation) throw new ReservationNotFound(orderId)
    return releaseActive(client, reservation)
  })
}
