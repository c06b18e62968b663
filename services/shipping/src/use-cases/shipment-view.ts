import type { ShippingAddress } from '@shop/contracts'
import type { Shipment, ShipmentRecipient, TrackingEvent } from '@shop/contracts/shipping'
import { type FieldCipher, maskAddress, maskName, maskPhone } from '@shop/platform/crypto'
import type { ShipmentRecord, TrackingEventRecord } from '../data/shipment.repository.ts'

/** Tracking events as the API shows them: status, time, place; never a person. */
export function trackingEventsView(events: TrackingEventRecord[]): TrackingEvent[] {
  return events.map((e) => ({
    status: e.status,
    at: e.at.toISOString(),
    ...(e.location ? { location: e.location } : {}),
  }))
}

/** The recipient in clear (for the order's owner) or masked (for anyone else, admins included). */
export function recipientView(address: ShippingAddress, clear: boolean): ShipmentRecipient {
  if (clear) {
    return {
      name: address.recipient,
      phone: address.phone,
      postalCode: address.postalCode,
      address1: address.address1,
      ...(address.address2 ? { address2: address.address2 } : {}),
    }
  }
  // The postal code stays: it names a delivery area, not a household.
  return {
    name: maskName(address.recipient),
    phone: maskPhone(address.phone),
    postalCode: address.postalCode,
    address1: maskAddress(address.address1, address.address2),
  }
}

/** The API's shipment: decrypts the address and shows it in clear only when `clear`. */
export function shipmentView(
  cipher: FieldCipher,
  shipment: ShipmentRecord,
  events: TrackingEventRecord[],
  clear: boolean,
): Shipment {
  return {
    id: shipment.id,
    orderId: shipment.orderId,
    status: shipment.status,
    carrier: shipment.carrier,
    trackingNumber: shipment.trackingNumber,
    fee: shipment.fee,
    recipient: recipientView(cipher.decryptJson<ShippingAddress>(shipment.addressEnc), clear),
    events: trackingEventsView(events),
    createdAt: shipment.createdAt.toISOString(),
  }
}
