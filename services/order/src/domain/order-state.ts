import type { OrderPayment, OrderShipment, OrderStatus } from '@shop/contracts/order'

/**
 * The order state machine, the one place that decides what an event or command does to
 * an order: PENDING_PAYMENT → PAID → SHIPPED → DELIVERED, and PENDING_PAYMENT | PAID →
 * CANCELLED. What does not apply is answered as `ignored` with a reason, never thrown,
 * so a duplicate or late event cannot put a consumer into an error loop.
 */

export type { OrderStatus }

export interface OrderState {
  status: OrderStatus
  total: number
  payment: OrderPayment | null
  shipment: OrderShipment | null
}

export type OrderEvent =
  | { type: 'payment.completed'; paymentId: string }
  | { type: 'payment.failed'; paymentId: string; failureCode: string }
  | { type: 'payment.refunded'; paymentId: string; refundedAmount: number }
  | { type: 'shipment.dispatched'; carrier: string; trackingNumber: string }
  | { type: 'shipment.delivered' }
  | { type: 'cancel'; reason: string }
  | { type: 'payment_timeout' }

export interface HistoryEntry {
  status: OrderStatus
  reason?: string
}

export interface Applied {
  next: OrderState
  /** A new line of the public history: only when the status changes. */
  historyEntry: HistoryEntry | null
}

export interface Ignored {
  ignored: true
  reason: string
  /** The event arrived ahead of one it needs: keep it and try again after the next change. */
  retryLater: boolean
}

export type TransitionResult = Applied | Ignored

export const PAYMENT_TIMEOUT = 'payment_timeout'
/** Reasons a caller branches on. */
export const ALREADY_CANCELLED = 'already_cancelled'

/** No event or command moves an order out of these. */
export const isTerminal = (status: OrderStatus): boolean => status === 'DELIVERED' || status === 'CANCELLED'

/**
 * Whether the order's payment has its outcome: every status but PENDING_PAYMENT (it was
 * paid, or the order was cancelled). A failed attempt does not settle it: the order stays
 * payable (another card) until it expires, which cancels it.
 */
export const isPaymentSettled = (status: OrderStatus): boolean => status !== 'PENDING_PAYMENT'

export const isIgnored = (r: TransitionResult): r is Ignored => 'ignored' in r

const ignore = (reason: string, retryLater = false): Ignored => ({ ignored: true, reason, retryLater })

const move = (order: OrderState, status: OrderStatus, patch: Partial<OrderState> = {}, reason?: string): Applied => ({
  next: { ...order, ...patch, status },
  historyEntry: reason === undefined ? { status } : { status, reason },
})

const record = (order: OrderState, patch: Partial<OrderState>): Applied => ({
  next: { ...order, ...patch },
  historyEntry: null,
})

/** What `event` does to `order`: the next state and its history line, or why it does not apply. */
export function transition(order: OrderState, event: OrderEvent): TransitionResult {
  const { status } = order
  switch (event.type) {
    case 'payment.completed':
      if (status === 'PENDING_PAYMENT') {
        return move(order, 'PAID', { payment: { status: 'COMPLETED', paymentId: event.paymentId } })
      }
      if (status === 'CANCELLED') return ignore('order already cancelled; the payment service refunds it')
      return ignore(order.payment?.paymentId === event.paymentId ? 'duplicate payment completion' : 'order already paid')

    case 'payment.failed':
      // A failed attempt leaves the order payable until it expires.
      if (status === 'PENDING_PAYMENT') {
        return record(order, {
          payment: { status: 'FAILED', paymentId: event.paymentId, failureCode: event.failureCode },
        })
      }
      return ignore(`late payment failure: order is ${status}`)

    case 'payment.refunded': {
      // A refund follows a completed payment; before the order has seen one, wait for it.
      if (status === 'PENDING_PAYMENT') return ignore('refund before the payment completed', true)
      const full = event.refundedAmount >= order.total
      return record(order, {
        payment: {
          status: full ? 'REFUNDED' : 'PARTIALLY_REFUNDED',
          paymentId: event.paymentId,
          refundedAmount: event.refundedAmount,
        },
      })
    }

    case 'shipment.dispatched':
      if (status === 'PAID') {
        return move(order, 'SHIPPED', {
          shipment: { status: 'DISPATCHED', carrier: event.carrier, trackingNumber: event.trackingNumber },
        })
      }
      if (status === 'PENDING_PAYMENT') return ignore('dispatched before the payment completed', true)
      return ignore(`dispatch does not apply: order is ${status}`)

    case 'shipment.delivered':
      if (status === 'SHIPPED') {
        return move(order, 'DELIVERED', { shipment: { ...order.shipment, status: 'DELIVERED' } })
      }
      if (status === 'PENDING_PAYMENT' || status === 'PAID') return ignore('delivered before it was dispatched', true)
      return ignore(`delivery does not apply: order is ${status}`)

    case 'cancel':
      if (status === 'PENDING_PAYMENT' || status === 'PAID') return move(order, 'CANCELLED', {}, event.reason)
      if (status === 'CANCELLED') return ignore(ALREADY_CANCELLED)
      return ignore(`an order that is ${status} can no longer be cancelled`)

    case 'payment_timeout':
      if (status === 'PENDING_PAYMENT') return move(order, 'CANCELLED', {}, PAYMENT_TIMEOUT)
      return ignore(`no payment timeout: order is ${status}`)
  }
}
