import type { Reservation, ReservationCreateBody } from '@shop/contracts/product'
import { type PoolClient, withTransactionFrom } from '@shop/platform/db'
import { ValidationFailed } from '@shop/platform/errors'
import type { ProductContext } from '../context.ts'
import { stockLevel } from '../data/inventory.repository.ts'
import { pricesOf } from '../data/product.repository.ts'
import { claimedReservation, claimReservation, findByOrder, type ReservationItem, reserveLine } from '../data/reservation.repository.ts'
import { fellBelow, type Line, normaliseLines, sameLines } from '../domain/inventory-rules.ts'
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
  const threshold = ctx.settings.INVENTORY_LOW_THRESHOLD
  let lowStock = false
  const claim = claimReservation(input.orderId, input.ttlSeconds ?? ctx.settings.RESERVATION_TTL_SECONDS)
  const reservation = await withTransactionFrom(ctx.pool, claim, async (client, result): Promise<Reservation | null> => {
    // The claim waits for a concurrent attempt with the same order id, then yields to it if it committed.
    const claimed = claimedReservation(result)
    if (!claimed) return null
    const items: ReservationItem[] = []
    for (const line of lines) {
      const reserved = await reserveLine(client, claimed.reservationId, line)
      if (!reserved) throw await refusal(client, input, lines, line)
      const { available } = reserved.level
      if (fellBelow(available + line.quantity, available, threshold)) {
        await announceLowStock(client, line.productId, available + line.quantity, available, threshold)
        lowStock = true
      }
      items.push({ ...line, unitPrice: reserved.unitPrice, name: reserved.name })
    }
    return {
      reservationId: claimed.reservationId,
      orderId: input.orderId,
      status: 'ACTIVE',
      expiresAt: claimed.expiresAt.toISOString(),
      items,
    }
  })
  if (!reservation) {
    const winner = await findByOrder(ctx.pool, input.orderId)
    if (!winner) throw new Error(`reservation of order ${input.orderId} vanished`)
    return replay(winner, input)
  }
  // Only a reservation that took stock below the threshold enqueued an event.
  if (lowStock) ctx.eventsEnqueued()
  return { reservation, created: true }
}

/** Why a line could not be reserved: products that do not exist (all of them), else the short one. */
async function refusal(client: PoolClient, input: ReservationCreateBody, lines: Line[], short: Line): Promise<Error> {
  const products = await pricesOf(client, lines.map((l) => l.productId))
  const unknown = input.items.flatMap((item, i) =>
    products.has(item.productId.toLowerCase()) ? [] : [{ path: `/items/${i}/productId`, message: 'the product does not exist' }],
  )
  if (unknown.length) return new ValidationFailed(unknown)
  const level = await stockLevel(client, short.productId)
  return new InsufficientStock(short.productId, level?.available ?? 0)
}

function replay(existing: Reservation, input: ReservationCreateBody): ReserveResult {
  if (!sameLines(existing.items, input.items)) throw new ReservationMismatch(input.orderId)
  return { reservation: existing, created: false }
}
