import type { EventEnvelope } from '@shop/contracts'
import type { PoolClient } from '@shop/platform/db'
import { handleOnce, type StatementHandler } from '@shop/platform/inbox'
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

const UNIQUE_VIOLATION = '23505'

/**
 * payment.completed as the bus runs it: the usual case (an ACTIVE reservation) is one
 * statement with the event's inbox claim (commitActiveOnClaim); anything else (a
 * redelivery, a second event for the order, a lapsed reservation, none at all) goes
 * through the inbox transaction and paymentCompletedHandler, which decides from the
 * reservation's status under its row lock.
 */
export function paymentCompletedStatement(ctx: ProductContext): StatementHandler<'payment.completed'> {
  const inTransaction = paymentCompletedHandler(ctx)
  return {
    async run(pool, consumer, event) {
      const { orderId } = event.data
      try {
        if (await commitActiveOnClaim(pool, { consumer, eventId: event.id, eventType: event.type }, orderId)) {
          ctx.logger.info({ orderId, eventId: event.id, status: 'COMMITTED' }, 'payment completed: reservation settled')
          return 'applied'
        }
      } catch (err) {
        // The event's inbox row was there already: the transaction path answers 'duplicate'.
        if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err
      }
      return handleOnce(pool, consumer, event, (client) => inTransaction(client, event))
    },
  }
}
