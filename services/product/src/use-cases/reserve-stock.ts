import type { Reservation, ReservationCreateBody } from '@shop/contracts/product'
import { withTransaction } from '@shop/platform/db'
import { ValidationFailed } from '@shop/platform/errors'
import type { ProductContext } from '../context.ts'
import { reserveUnits, stockLevel } from '../data/inventory.repository.ts'
import { pricesOf } from '../data/product.repository.ts'
import { findByOrder, insertItems, insertReservation, type ReservationItem } from '../data/reservation.repository.ts'
import { normaliseLines, sameLines } from '../domain/inventory-rules.ts'
import { InsufficientStock, ReservationMismatch } from '../product.errors.ts'
import { announceLowStock } from './low-stock.ts'

export interface ReserveResult {
  reservation: Reservation
  /** false when the order already had this reservation (an idempotent retry). */
  created: boolean
}

/**
 * Reserves every line or none, in one transaction: one conditional UPDATE per product,
 * in product-id order, so stock never goes negative and concurrent reservations never
 * deadlock. The order id is the idempotency key: the same order again gets the existing
 * reservation back (whatever its status), the same order with other lines a 409.
 */
export async function reserveStock(ctx: ProductContext, input: ReservationCreateBody): Promise<ReserveResult> {
  const lines = normaliseLines(input.items)
  const existing = await findByOrder(ctx.pool, input.orderId)
  if (existing) return replay(existing, input)

  const reservation = await withTransaction(ctx.pool, async (client) => {
    // Waits for a concurrent attempt with the same order id, then yields to it if it committed.
    const reservationId = await insertReservation(client, input.orderId, input.ttlSeconds ?? ctx.settings.RESERVATION_TTL_SECONDS)
    if (!reservationId) return null
    const products = await pricesOf(client, lines.map((l) => l.productId))
    const unknown = input.items.flatMap((item, i) =>
      products.has(item.productId.toLowerCase()) ? [] : [{ path: `/items/${i}/productId`, message: 'the product does not exist' }],
    )
    if (unknown.length) throw new ValidationFailed(unknown)

    const items: ReservationItem[] = []
    for (const line of lines) {
      const after = await reserveUnits(client, line)
      if (!after) {
        const level = await stockLevel(client, line.productId)
        throw new InsufficientStock(line.productId, level?.available ?? 0)
      }
      await announceLowStock(client, line.productId, after.available + line.quantity, after.available, ctx.settings.INVENTORY_LOW_THRESHOLD)
      const product = products.get(line.productId) as { name: string; price: number }
      items.push({ ...line, unitPrice: product.price, name: product.name })
    }
    await insertItems(client, reservationId, items)
    return findByOrder(client, input.orderId)
  })
  if (!reservation) {
    const winner = await findByOrder(ctx.pool, input.orderId)
    if (!winner) throw new Error(`reservation of order ${input.orderId} vanished`)
    return replay(winner, input)
  }
  ctx.eventsEnqueued()
  return { reservation, created: true }
}

function replay(existing: Reservation, input: ReservationCreateBody): ReserveResult {
  if (!sameLines(existing.items, input.items)) throw new ReservationMismatch(input.orderId)
  return { reservation: existing, created: false }
}
