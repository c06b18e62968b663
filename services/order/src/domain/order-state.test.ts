import { ORDER_STATUSES } from '@shop/contracts/order'
import { describe, expect, it } from 'vitest'
import {
  ALREADY_CANCELLED,
  isIgnored,
  isPaymentSettled,
  isTerminal,
  type OrderEvent,
  type OrderState,
  type OrderStatus,
  PAYMENT_TIMEOUT,
  transition,
} from './order-state.ts'

const PAYMENT = '7d4f2a3e-0000-4000-8000-000000000001'
const OTHER_PAYMENT = '7d4f2a3e-0000-4000-8000-000000000002'

const events: Record<OrderEvent['type'], OrderEvent> = {
  'payment.completed': { type: 'payment.completed', paymentId: PAYMENT },
  'payment.failed': { type: 'payment.failed', paymentId: OTHER_PAYMENT, failureCode: 'card_declined' },
  'payment.refunded': { type: 'payment.refunded', paymentId: PAYMENT, refundedAmount: 23_000 },
  'shipment.dispatched': { type: 'shipment.dispatched', carrier: 'CJ', trackingNumber: '123456789012' },
  'shipment.delivered': { type: 'shipment.delivered' },
  cancel: { type: 'cancel', reason: 'customer_request' },
  payment_timeout: { type: 'payment_timeout' },
}

function order(status: OrderStatus): OrderState {
  const paid = status !== 'PENDING_PAYMENT'
  const shipped = status === 'SHIPPED' || status === 'DELIVERED'
  return {
    status,
    total: 23_000,
    payment: paid ? { status: 'COMPLETED', paymentId: PAYMENT } : null,
    shipment: shipped ? { status: status === 'SHIPPED' ? 'DISPATCHED' : 'DELIVERED', trackingNumber: '123456789012' } : null,
  }
}

// Expected outcome per (status, event): the next status, 'same' (recorded, no status
// change), 'ignored', or 'deferred' (ignored now, kept to retry after the next change).
type Outcome = OrderStatus | 'same' | 'ignored' | 'deferred'
const table: Record<OrderStatus, Record<OrderEvent['type'], Outcome>> = {
  PENDING_PAYMENT: {
    'payment.completed': 'PAID',
    'payment.failed': 'same',
    'payment.refunded': 'deferred',
    'shipment.dispatched': 'deferred',
    'shipment.delivered': 'deferred',
    cancel: 'CANCELLED',
    payment_timeout: 'CANCELLED',
  },
  PAID: {
    'payment.completed': 'ignored',
    'payment.failed': 'ignored',
    'payment.refunded': 'same',
    'shipment.dispatched': 'SHIPPED',
    'shipment.delivered': 'deferred',
    cancel: 'CANCELLED',
    payment_timeout: 'ignored',
  },
  SHIPPED: {
    'payment.completed': 'ignored',
    'payment.failed': 'ignored',
    'payment.refunded': 'same',
    'shipment.dispatched': 'ignored',
    'shipment.delivered': 'DELIVERED',
    cancel: 'ignored',
    payment_timeout: 'ignored',
  },
  DELIVERED: {
    'payment.completed': 'ignored',
    'payment.failed': 'ignored',
    'payment.refunded': 'same',
    'shipment.dispatched': 'ignored',
    'shipment.delivered': 'ignored',
    cancel: 'ignored',
    payment_timeout: 'ignored',
  },
  CANCELLED: {
    'payment.completed': 'ignored',
    'payment.failed': 'ignored',
    'payment.refunded': 'same',
    'shipment.dispatched': 'ignored',
    'shipment.delivered': 'ignored',
    cancel: 'ignored',
    payment_timeout: 'ignored',
  },
}

describe('order state machine: the full table', () => {
  for (const [status, row] of Object.entries(table) as [OrderStatus, Record<OrderEvent['type'], Outcome>][]) {
    for (const [type, expected] of Object.entries(row) as [OrderEvent['type'], Outcome][]) {
      it(`${status} + ${type} → ${expected}`, () => {
        const before = order(status)
        const result = transition(before, events[type])
        if (expected === 'ignored' || expected === 'deferred') {
          expect(isIgnored(result)).toBe(true)
          if (!isIgnored(result)) return
          expect(result.retryLater).toBe(expected === 'deferred')
          expect(result.reason.length).toBeGreaterThan(0)
          return
        }
        expect(isIgnored(result)).toBe(false)
        if (isIgnored(result)) return
        const nextStatus = expected === 'same' ? status : expected
        expect(result.next.status).toBe(nextStatus)
        expect(result.historyEntry === null).toBe(expected === 'same')
        if (result.historyEntry) expect(result.historyEntry.status).toBe(nextStatus)
      })
    }
  }
})

describe('order state machine: what each transition records', () => {
  it('payment.completed records the completed payment', () => {
    const r = transition(order('PENDING_PAYMENT'), events['payment.completed'])
    expect(r).toEqual({
      next: { ...order('PENDING_PAYMENT'), status: 'PAID', payment: { status: 'COMPLETED', paymentId: PAYMENT } },
      historyEntry: { status: 'PAID' },
    })
  })

  it('payment.failed keeps the order payable and records the failure code', () => {
    const r = transition(order('PENDING_PAYMENT'), events['payment.failed'])
    expect(r).toEqual({
      next: { ...order('PENDING_PAYMENT'), payment: { status: 'FAILED', paymentId: OTHER_PAYMENT, failureCode: 'card_declined' } },
      historyEntry: null,
    })
  })

  it('a later successful attempt after a failure still pays the order', () => {
    const failed = transition(order('PENDING_PAYMENT'), events['payment.failed'])
    if (isIgnored(failed)) throw new Error('expected the failure to be recorded')
    const paid = transition(failed.next, events['payment.completed'])
    expect(isIgnored(paid) ? null : paid.next.payment).toEqual({ status: 'COMPLETED', paymentId: PAYMENT })
  })

  it('a refund of the whole total is REFUNDED, of part of it PARTIALLY_REFUNDED', () => {
    const full = transition(order('PAID'), events['payment.refunded'])
    const part = transition(order('PAID'), { type: 'payment.refunded', paymentId: PAYMENT, refundedAmount: 3_000 })
    expect(isIgnored(full) ? null : full.next.payment).toEqual({ status: 'REFUNDED', paymentId: PAYMENT, refundedAmount: 23_000 })
    expect(isIgnored(part) ? null : part.next.payment).toEqual({
      status: 'PARTIALLY_REFUNDED',
      paymentId: PAYMENT,
      refundedAmount: 3_000,
    })
  })

  it('dispatch records the carrier and tracking number, delivery keeps them', () => {
    const shipped = transition(order('PAID'), events['shipment.dispatched'])
    if (isIgnored(shipped)) throw new Error('expected dispatch to apply')
    expect(shipped.next.shipment).toEqual({ status: 'DISPATCHED', carrier: 'CJ', trackingNumber: '123456789012' })
    const delivered = transition(shipped.next, events['shipment.delivered'])
    expect(isIgnored(delivered) ? null : delivered.next.shipment).toEqual({
      status: 'DELIVERED',
      carrier: 'CJ',
      trackingNumber: '123456789012',
    })
  })

  it('cancel carries its reason into the history, the timeout its own', () => {
    const cancelled = transition(order('PAID'), { type: 'cancel', reason: 'changed my mind' })
    const expired = transition(order('PENDING_PAYMENT'), events.payment_timeout)
    expect(isIgnored(cancelled) ? null : cancelled.historyEntry).toEqual({ status: 'CANCELLED', reason: 'changed my mind' })
    expect(isIgnored(expired) ? null : expired.historyEntry).toEqual({ status: 'CANCELLED', reason: PAYMENT_TIMEOUT })
  })

  it('cancelling a cancelled order says so, so the caller can answer it idempotently', () => {
    const r = transition(order('CANCELLED'), events.cancel)
    expect(r).toEqual({ ignored: true, reason: ALREADY_CANCELLED, retryLater: false })
  })

  it('the same payment completing twice is reported as a duplicate', () => {
    const r = transition(order('PAID'), events['payment.completed'])
    expect(isIgnored(r) && r.reason).toBe('duplicate payment completion')
  })

  it('never mutates the order it is given', () => {
    const before = order('PAID')
    const copy = structuredClone(before)
    transition(before, events['shipment.dispatched'])
    transition(before, events['payment.refunded'])
    expect(before).toEqual(copy)
  })
})

describe('when a stream of the order may end', () => {
  it('the payment is settled in every status but PENDING_PAYMENT, a failed attempt included', () => {
    const settled = ORDER_STATUSES.filter(isPaymentSettled)
    expect(settled).toEqual(['PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'])
    const failed = transition(order('PENDING_PAYMENT'), events['payment.failed'])
    expect(isIgnored(failed) ? undefined : isPaymentSettled(failed.next.status)).toBe(false)
  })

  it('only DELIVERED and CANCELLED are terminal', () => {
    expect(ORDER_STATUSES.filter(isTerminal)).toEqual(['DELIVERED', 'CANCELLED'])
  })
})
