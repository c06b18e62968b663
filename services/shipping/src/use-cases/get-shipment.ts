import type { Shipment } from '@shop/contracts/shipping'
import { type AuthUser, isAdmin } from '@shop/platform/auth'
import type { Shipping } from '../context.ts'
import { findShipmentByOrderId, listTrackingEvents } from '../data/shipment.repository.ts'
import { ShipmentNotFound } from '../shipping.errors.ts'
import { shipmentView } from './shipment-view.ts'

/** The shipment of an order, for its owner (clear recipient) or an admin (masked); anyone else gets 404. */
export async function getShipment(s: Shipping, user: AuthUser, orderId: string): Promise<Shipment> {
  const shipment = await findShipmentByOrderId(s.pool, orderId)
  const owner = shipment?.userId === user.id
  // Another user's shipment answers exactly like a missing one: no existence leak.
  if (!shipment || (!owner && !isAdmin(user))) throw new ShipmentNotFound()
  return shipmentView(s.cipher, shipment, await listTrackingEvents(s.pool, shipment.id), owner)
}
