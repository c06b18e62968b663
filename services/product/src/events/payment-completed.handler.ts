import type { EventEnvelope } from '@shop/contracts'
import type { PoolClient } from '@shop/platform/db'
import { claimRow, handleOnce, type StatementHandler } from '@shop/platform/inbox'
import type { ProductContext } from '../context.ts'
import { commitActiveOnClaim } from '../data/reservation.repository.ts'
import { commitReservation } from '../use-cases/settle-reservation.ts'

/** payment.completed: the order's reserved units are sold (runs once per event id, in the inbox transaction). */
export function paymentCompletedHandler(ctx: ProductContext) {
  return async (client: PoolClient, event: EventEnvelope<'payment.completed'>): Promise<void> => {
    const status = await commitReservation(ctx, client, event.data.orderId)
    ctx.logger.info({ orderId: event.data.orderId, eventId: event.id, status }, 'payment completed: reservation settled')
  }
}

/**
 * payment.completed as the bus runs it: the usual case (an ACTIVE reservation) is one
 * statement with the event's inbox claim (commitActiveOnClaim); a duplicate found there
 * is answered as such, and anything else (a redelivery, a second event for the order, a
 * lapsed reservation, none at all) goes through the inbox transaction and
 * paymentCompletedHandler, which decides from the reservation's status under its row lock.
 */
export function paymentCompletedStatement(ctx: ProductContext): StatementHandler<'payment.completed'> {
  const inTransaction = paymentCompletedHandler(ctx)
  return {
    async run(pool, consumer, event) {
      const { orderId } = event.data
      const fast = await commitActiveOnClaim(pool, claimRow(consumer, event), orderId)
      if (fast === 'applied') ctx.logger.info({ orderId, eventId: event.id, status: 'COMMITTED' }, 'payment completed: reservation settled')
      if (fast !== 'not_in_state') return fast
      return handleOnce(pool, consumer, event, (client) => inTransaction(client, event))
    },
  }
}
