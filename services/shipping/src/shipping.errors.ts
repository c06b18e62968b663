import type { ShipmentStatus } from '@shop/contracts/shipping'
import { Conflict, InvalidState, NotFound } from '@shop/platform/errors'

/** The shipping service's errors: the HTTP ones are DomainErrors, the event ones make the bus retry. */

export class ShipmentNotFound extends NotFound {
  constructor() {
    super('No such shipment')
  }
}

export class TransitionNotAllowed extends InvalidState {
  constructor(from: ShipmentStatus, to: ShipmentStatus) {
    super(`A ${from} shipment cannot become ${to}`)
  }
}

/** A concurrent update moved the shipment on between our read and our conditional UPDATE. */
export class ShipmentChanged extends InvalidState {
  constructor(expected: ShipmentStatus) {
    super(`The shipment is no longer ${expected}; it was updated at the same time`)
  }
}

export class TrackingNumberTaken extends Conflict {
  constructor() {
    super('This tracking number already belongs to another shipment', 'tracking_number_taken')
  }
}

/** payment.completed arrived before order.created; thrown so the bus delivers it again later. */
export class OrderNotYetKnown extends Error {
  constructor(orderId: string) {
    super(`order ${orderId} has not been seen (order.created) yet`)
    this.name = 'OrderNotYetKnown'
  }
}

/** order.created carried a shipping address shipping cannot read; the message names no personal data. */
export class UnreadableAddress extends Error {
  constructor(orderId: string, why: string) {
    super(`order ${orderId}: shipping address unreadable (${why})`)
    this.name = 'UnreadableAddress'
  }
}
