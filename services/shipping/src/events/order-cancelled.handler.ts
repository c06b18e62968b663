import type { EventEnvelope } from '@shop/contracts'
import type { PoolClient } from '@shop/platform/db'
import type { Shipping } from '../context.ts'
import { markCancelled } from '../data/order-snapshot.repository.ts'
import { findShipmentByOrderId } from '../data/shipment.repository.ts'
import { applyTransition } from '../use-cases/apply-transition.ts'

/**
 * order.cancelled: a READY shipment is cancelled. One already dispatched is recorded and
 * left alone (the order service refuses to cancel after dispatch, so this only happens
 * when events cross); an order with no shipment yet is remembered (on its snapshot
 * row, made here if order.created has not arrived) so a late payment.completed creates none.
 */
export function onOrderCancelled(s: Shipping) {
  return async (client: PoolClient, event: EventEnvelope<'order.cancelled'>): Promise<void> => {
    const { orderId, reason } = event.data
    // First, under the snapshot row's lock: a payment.completed creating the shipment now
    // has committed it before this returns (so the read below sees it), or will find the order cancelled.
    await markCancelled(client, orderId, reason)
    // Locked so an admin dispatching at this moment waits for us, or we see the dispatch.
    const shipment = await findShipmentByOrderId(client, orderId, { forUpdate: true })
    if (!shipment) return
    if (shipment.status === 'READY') {
      await applyTransition(client, s, shipment, { status: 'CANCELLED' })
      return
    }
    if (shipment.status !== 'CANCELLED') {
      s.logger.warn(
        { orderId, shipmentId: shipment.id, status: shipment.status, eventId: event.id },
        'order cancelled after the shipment left: ignored',
      )
    }
  }
}
