import type { EventEnvelope } from '@shop/contracts'
import type { PoolClient } from '@shop/platform/db'
import { insertPrepared } from '../data/payment.repository.ts'

/** order.created: prepares the order's READY payment for its total (one per order; a duplicate changes nothing). */
export function onOrderCreated() {
  return async (client: PoolClient, event: EventEnvelope<'order.created'>): Promise<void> => {
    const { orderId, userId, total, expiresAt } = event.data
    await insertPrepared(client, { orderId, userId, amount: total, expiresAt: new Date(expiresAt) })
  }
}
