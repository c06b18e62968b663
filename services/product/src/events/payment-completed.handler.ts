import type { EventEnvelope } from '@shop/contracts'
import type { PoolClient } from '@shop/platform/db'
import type { ProductContext } from '../context.ts'
import { commitReservation } from '../use-cases/settle-reservation.ts'

/** payment.completed: the order's reserved units are sold (runs once per event id, in the inbox transaction). */
export function paymentCompletedHandler(ctx: ProductContext) {
  return async (client: PoolClient, event: EventEnvelope<'payment.completed'>): Promise<void> => {
    const status = await commitReservation(ctx, client, event.data.orderId)
    ctx.logger.info({ orderId: event.data.orderId, eventId: event.id, status }, 'payment completed: reservation settled')
  }
}
