import { effectStatement } from '@shop/platform/inbox'
import { PREPARE_ON_CLAIM, preparedValues } from '../data/payment.repository.ts'

/**
 * order.created: prepares the order's READY payment for its total (one per order; a
 * duplicate changes nothing), in one statement with the event's inbox claim.
 */
export function onOrderCreated() {
  return effectStatement<'order.created'>(PREPARE_ON_CLAIM, (event) => {
    const { orderId, userId, total, expiresAt } = event.data
    return preparedValues({ orderId, userId, amount: total, expiresAt: new Date(expiresAt) })
  })
}
