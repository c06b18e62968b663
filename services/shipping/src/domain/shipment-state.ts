import type { ShipmentStatus } from '@shop/contracts/shipping'

/**
 * The shipment state machine, in one table. A parcel that skips the hub scan may go
 * straight from DISPATCHED to DELIVERED; only a parcel still in the warehouse can be
 * cancelled.
 */
export const TRANSITIONS: Readonly<Record<ShipmentStatus, readonly ShipmentStatus[]>> = {
  READY: ['DISPATCHED', 'CANCELLED'],
  DISPATCHED: ['IN_TRANSIT', 'DELIVERED'],
  IN_TRANSIT: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
}

/** Whether a shipment in `from` may move to `to`. */
export function canTransition(from: ShipmentStatus, to: ShipmentStatus): boolean {
  return TRANSITIONS[from].includes(to)
}

/** Whether the parcel has left the warehouse (cancelling it is no longer possible). */
export function isDispatched(status: ShipmentStatus): boolean {
  return status === 'DISPATCHED' || status === 'IN_TRANSIT' || status === 'DELIVERED'
}

/** Statuses a carrier still reports scans for. */
export const ON_THE_ROAD: readonly ShipmentStatus[] = ['DISPATCHED', 'IN_TRANSIT']
