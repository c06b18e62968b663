import { withTransaction } from '@shop/platform/db'
import type { ProductContext } from '../context.ts'
import { unreserveUnits } from '../data/inventory.repository.ts'
import { itemsOf, lockExpired, markExpired } from '../data/reservation.repository.ts'

/**
 * Releases up to `batch` ACTIVE reservations past their expiry in one transaction and
 * returns how many. Units are given back summed per product in product-id order, the
 * same lock order every other stock change uses.
 */
export async function expireReservations(ctx: ProductContext, batch = 100): Promise<number> {
  return withTransaction(ctx.pool, async (client) => {
    const ids = await lockExpired(client, batch)
    if (ids.length === 0) return 0
    await unreserveUnits(client, await itemsOf(client, ids))
    await markExpired(client, ids)
    return ids.length
  })
}
