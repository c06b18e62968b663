import type { Reservation, ReservationCreateBody } from '@shop/contracts/product'
import { ValidationFailed } from '@shop/platform/errors'
import { createEvent } from '@shop/platform/events'
import { outboxRow } from '@shop/platform/outbox'
import type { ProductContext } from '../context.ts'
import { findByOrder, type LineLevel, reserveAll } from '../data/reservation.repository.ts'
import { fellBelow, normaliseLines, sameLines } from '../domain/inventory-rules.ts'
import { InsufficientStock, ReservationMismatch } from '../product.errors.ts'

export interface ReserveResult {
  reservation: Reservation
  /** false when the order already had this reservation (an idempotent retry). */
  created: boolean
}

/**
 * Reserves every line or none, in one statement (reserveAll): the lines' rows are locked
 * in product-id order, so stock never goes negative and concurrent reservations never
 * deadlock. The order id is the idempotency key: the same order again gets the existing
 * reservation back (whatever its status), the same order with other lines a 409.
 */
export async function reserveStock(ctx: ProductContext, input: ReservationCreateBody): Promise<ReserveResult> {
  const lines = normaliseLines(input.items)
  const threshold = ctx.settings.INVENTORY_LOW_THRESHOLD
  // One inventory.low envelope per line; the statement fills in what is left and enqueues only those that fell below.
  const lowStock = lines.map(({ productId }) => outboxRow(createEvent('product', 'inventory.low', { productId, available: 0 }))[2])
  const { claimed, lines: levels } = await reserveAll(ctx.pool, {
    orderId: input.orderId,
    ttlSeconds: input.ttlSeconds ?? ctx.settings.RESERVATION_TTL_SECONDS,
    lines,
    threshold,
    lowStock,
  })
  if (!claimed) {
    // The order has a reservation already (a retry, or a concurrent attempt that committed first), or a line was refused.
    const existing = await findByOrder(ctx.pool, input.orderId)
    if (existing) return replay(existing, input)
    throw refusal(input, levels)
  }
  if (levels.some((l) => fellBelow(l.available, l.available - l.quantity, threshold))) ctx.eventsEnqueued()
  return {
    reservation: {
      reservationId: claimed.reservationId,
      orderId: input.orderId,
      status: 'ACTIVE',
      expiresAt: claimed.expiresAt.toISOString(),
      items: levels.map((l) => ({ productId: l.productId, quantity: l.quantity, unitPrice: l.unitPrice ?? 0, name: l.name ?? '' })),
    },
    created: true,
  }
}

/** Why the lines could not be reserved: products that do not exist (all of them), else the first short one. */
function refusal(input: ReservationCreateBody, levels: LineLevel[]): Error {
  const live = new Set(levels.filter((l) => l.live).map((l) => l.productId))
  const unknown = input.items.flatMap((item, i) =>
    live.has(item.productId.toLowerCase()) ? [] : [{ path: `/items/${i}/productId`, message: 'the product does not exist' }],
  )
  if (unknown.length) return new ValidationFailed(unknown)
  const short = levels.find((l) => l.available < l.quantity)
  if (!short) throw new Error(`reservation of order ${input.orderId} was refused with every line available`)
  return new InsufficientStock(short.productId, short.available)
}

function replay(existing: Reservation, input: ReservationCreateBody): ReserveResult {
  if (!sameLines(existing.items, input.items)) throw new ReservationMismatch(input.orderId)
  return { reservation: existing, created: false }
}
