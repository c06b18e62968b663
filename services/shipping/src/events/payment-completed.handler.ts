import { randomUUID } from 'node:crypto'
import type { EventEnvelope } from '@shop/contracts'
import type { PoolClient } from '@shop/platform/db'
import { claimRow, handleOnce, type StatementHandler } from '@shop/platform/inbox'
import type { Shipping } from '../context.ts'
import { findOrderSnapshot, isOrderCancelled } from '../data/order-snapshot.repository.ts'
import { createShipmentFromSnapshot, createShipmentOnClaim, findShipmentByOrderId } from '../data/shipment.repository.ts'
import { OrderNotYetKnown } from '../shipping.errors.ts'

/**
 * payment.completed: the order is paid, so a READY shipment is created for it (once), in
 * the inbox transaction. The creating statement locks the order's snapshot row, the row
 * order.cancelled marks, so the two never both act on nothing.
 */
export function onPaymentCompleted(s: Shipping) {
  return async (client: PoolClient, event: EventEnvelope<'payment.completed'>): Promise<void> => {
    const { orderId } = event.data
    const create = () => createShipmentFromSnapshot(client, { id: randomUUID(), orderId, at: s.now() })
    // The usual case in one statement; when it creates nothing, the reads below say why.
    if (await create()) return
    // Another payment.completed for the order (a second event id) has no second effect.
    if (await findShipmentByOrderId(client, orderId)) return
    if (await isOrderCancelled(client, orderId)) {
      s.logger.info({ orderId, eventId: event.id }, 'payment completed for a cancelled order: no shipment')
      return
    }
    // The design says payment.completed creates the shipment, but the address it needs
    // travels only in order.created. When the two arrive out of order we throw: the
    // inbox row rolls back with us and the bus delivers this event again later, by when
    // order.created has normally been handled.
    if (!(await findOrderSnapshot(client, orderId))) throw new OrderNotYetKnown(orderId)
    // order.created committed after the insert above had looked: its snapshot is there now.
    if (!(await create())) throw new Error(`order ${orderId}: a snapshot and no shipment, yet none was created`)
  }
}

/**
 * payment.completed as the bus runs it: the usual case (a known order, not cancelled) is
 * one statement that claims the event and creates the shipment (createShipmentOnClaim);
 * a duplicate found there is answered as such, and anything else (a cancelled or not yet
 * known order) goes through the inbox transaction and onPaymentCompleted, which finds
 * out why and acts on it.
 */
export function onPaymentCompletedStatement(s: Shipping): StatementHandler<'payment.completed'> {
  const inTransaction = onPaymentCompleted(s)
  return {
    async run(pool, consumer, event) {
      const fast = await createShipmentOnClaim(pool, { id: randomUUID(), orderId: event.data.orderId, at: s.now() }, claimRow(consumer, event))
      if (fast !== 'not_in_state') return fast
      return handleOnce(pool, consumer, event, (client) => inTransaction(client, event))
    },
  }
}
