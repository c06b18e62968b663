import type { CarrierCode, ShipmentStatus } from '@shop/contracts/shipping'
import type { Queryable } from '@shop/platform/db'
import { createEvent } from '@shop/platform/events'
import { enqueueEvent } from '@shop/platform/outbox'
import type { Shipping } from '../context.ts'
import {
  appendTrackingEvent,
  type ShipmentRecord,
  trackingNumberInUse,
  updateShipmentStatus,
} from '../data/shipment.repository.ts'
import { canTransition } from '../domain/shipment-state.ts'
import { ShipmentChanged, TrackingNumberTaken, TransitionNotAllowed } from '../shipping.errors.ts'

export type TransitionInput =
  | { status: 'DISPATCHED'; carrier: CarrierCode; trackingNumber?: string; location?: string }
  | { status: Exclude<ShipmentStatus, 'DISPATCHED'>; location?: string }

/**
 * The one way a shipment changes status, shared by the admin route, the carrier worker
 * and order.cancelled: checks the transition table, updates only if the status is
 * still the one read, appends the tracking event, and enqueues shipment.dispatched or
 * shipment.delivered in the caller's transaction.
 */
export async function applyTransition(
  client: Queryable,
  s: Shipping,
  shipment: ShipmentRecord,
  input: TransitionInput,
): Promise<ShipmentRecord> {
  const to = input.status
  if (!canTransition(shipment.status, to)) throw new TransitionNotAllowed(shipment.status, to)
  let { carrier, trackingNumber } = shipment
  if (input.status === 'DISPATCHED') {
    if (input.trackingNumber && (await trackingNumberInUse(client, input.trackingNumber))) throw new TrackingNumberTaken()
    carrier = input.carrier
    trackingNumber = input.trackingNumber ?? (await bookPickup(client, s, input.carrier, shipment))
  }
  const at = s.now()
  const updated = await updateShipmentStatus(client, { id: shipment.id, from: shipment.status, to, carrier, trackingNumber, at }).catch(
    (err: unknown) => {
      // The unique index settles two shipments dispatched with one number at the same time.
      if ((err as { code?: string }).code === '23505') throw new TrackingNumberTaken()
      throw err
    },
  )
  if (!updated) throw new ShipmentChanged(shipment.status)
  await appendTrackingEvent(client, { shipmentId: shipment.id, status: to, location: input.location, at })

  if (to === 'DISPATCHED') {
    await enqueueEvent(
      client,
      createEvent('shipping', 'shipment.dispatched', {
        shipmentId: updated.id,
        orderId: updated.orderId,
        carrier: updated.carrier as CarrierCode,
        trackingNumber: updated.trackingNumber as string,
        dispatchedAt: at.toISOString(),
      }),
    )
  } else if (to === 'DELIVERED') {
    await enqueueEvent(
      client,
      createEvent('shipping', 'shipment.delivered', {
        shipmentId: updated.id,
        orderId: updated.orderId,
        deliveredAt: at.toISOString(),
      }),
    )
  }
  return updated
}

/** Asks the carrier for a waybill number, drawing again on the rare clash with one we hold. */
async function bookPickup(client: Queryable, s: Shipping, carrier: CarrierCode, shipment: ShipmentRecord): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const { trackingNumber } = await s.carriers[carrier].dispatch({ shipmentId: shipment.id, orderId: shipment.orderId })
    if (!(await trackingNumberInUse(client, trackingNumber))) return trackingNumber
  }
  throw new TrackingNumberTaken()
}
