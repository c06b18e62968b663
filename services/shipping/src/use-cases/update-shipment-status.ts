import type { Shipment, UpdateShipmentStatusBody } from '@shop/contracts/shipping'
import type { AuthUser } from '@shop/platform/auth'
import { withTransaction } from '@shop/platform/db'
import type { Shipping } from '../context.ts'
import { findShipmentById, listTrackingEvents } from '../data/shipment.repository.ts'
import { ShipmentNotFound } from '../shipping.errors.ts'
import { applyTransition } from './apply-transition.ts'
import { shipmentView } from './shipment-view.ts'

/** An admin moves a shipment on (dispatch with a carrier, in transit, delivered). */
export async function updateShipmentStatusByAdmin(
  s: Shipping,
  admin: AuthUser,
  shipmentId: string,
  body: UpdateShipmentStatusBody,
): Promise<Shipment> {
  const { shipment, events } = await withTransaction(s.pool, async (client) => {
    const current = await findShipmentById(client, shipmentId)
    if (!current) throw new ShipmentNotFound()
    const updated = await applyTransition(client, s, current, body)
    return { shipment: updated, events: await listTrackingEvents(client, updated.id) }
  })
  s.eventsCommitted()
  return shipmentView(s.cipher, shipment, events, shipment.userId === admin.id)
}
