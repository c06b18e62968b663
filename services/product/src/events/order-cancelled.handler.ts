import type { EventEnvelope } from '@shop/contracts'
import type { PoolClient } from '@shop/platform/db'
import type { ProductContext } from '../context.ts'
import { returnReservation } from '../use-cases/settle-reservation.ts'

/** order.cancelled: reserved units are released, sold ones restocked (once per event id, in the inbox transaction). */
export function orderCancelledHandler(ctx: ProductContext) {
  return async (client: PoolClient, event: EventEnvelope<'order.cancelled'>): Promise<void> => {
    const status = await returnReservation(client, event.data.orderId)
    ctx.logger.info({ orderId: event.data.orderId, eventId: event.id, status }, 'order cancelled: stock returned')
  }
}
