import type { CarrierCode, Tracking } from '@shop/contracts/shipping'
import type { Shipping } from '../context.ts'
import { findShipmentByTrackingNumber, listTrackingEvents } from '../data/shipment.repository.ts'
import { ShipmentNotFound } from '../shipping.errors.ts'
import { trackingEventsView } from './shipment-view.ts'

/** Public parcel tracking by waybill number: status and scans only, no personal data. */
export async function trackParcel(s: Shipping, trackingNumber: string): Promise<Tracking> {
  const shipment = await findShipmentByTrackingNumber(s.pool, trackingNumber)
  if (!shipment) throw new ShipmentNotFound()
  return {
    trackingNumber,
    carrier: shipment.carrier as CarrierCode,
    status: shipment.status,
    events: trackingEventsView(await listTrackingEvents(s.pool, shipment.id)),
  }
}
