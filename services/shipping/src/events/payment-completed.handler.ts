import { randomUUID } from 'node:crypto'
import type { EventEnvelope } from '@shop/contracts'
import type { PoolClient } from '@shop/platform/db'
import type { Shipping } from '../context.ts'
import { findOrderSnapshot, isOrderCancelled, lockOrder } from '../data/order-snapshot.repository.ts'
import { createShipmentFromSnapshot, findShipmentByOrderId } from '../data/shipment.repository.ts'
import { OrderNotYetKnown } from '../shipping.errors.ts'

/** payment.completed: the order is paid, so a READY shipment is created for it (once). */
export function onPaymentCompleted(s: Shipping) {
  return async (client: PoolClient, event: EventEnvelope<'payment.completed'>): Promise<void> => {
    const { orderId } = event.data
    await lockOrder(client, orderId)
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
