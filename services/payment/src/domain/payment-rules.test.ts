import { describe, expect, it } from 'vitest'
import { cancellationAction, notPayableReason, type PaymentState, refundDecision } from './payment-rules.ts'

const now = new Date('2025-03-01T12:00:00Z')
const later = new Date('2025-03-01T12:15:00Z')
const state = (over: Partial<PaymentState> = {}): PaymentState => ({
  status: 'READY',
  amount: 10_000,
  refundedAmount: 0,
  expiresAt: later,
  ...over,
})

describe('notPayableReason', () => {
  it('a READY or FAILED payment before its deadline is payable', () => {
    expect(notPayableReason(state(), now)).toBeNull()
    expect(notPayableReason(state({ status: 'FAILED' }), now)).toBeNull()
  })

  it('a payment past its deadline, or with none known, is not payable', () => {
    expect(notPayableReason(state({ expiresAt: new Date(now.getTime() - 1) }), now)).toMatch(/deadline/)
    expect(notPayableReason(state({ expiresAt: now }), now)).toMatch(/deadline/)
    expect(notPayableReason(state({ expiresAt: null }), now)).toMatch(/deadline/)
  })

  it('in-flight, paid, refunded and cancelled payments are not payable', () => {
    expect(notPayableReason(state({ status: 'PROCESSING' }), now)).toMatch(/in progress/)
    for (const status of ['COMPLETED', 'PARTIALLY_REFUNDED', 'REFUNDED'] as const) {
      expect(notPayableReason(state({ status }), now)).toMatch(/already been paid/)
    }
    expect(notPayableReason(state({ status: 'CANCELLED' }), now)).toMatch(/cancelled/)
  })
})

describe('cancellationAction', () => {
  it('maps every status to what cancelling the order does', () => {
    expect(cancellationAction(undefined)).toBe('cancel')
    expect(cancellationAction('READY')).toBe('cancel')
    expect(cancellationAction('FAILED')).toBe('cancel')
    expect(cancellationAction('PROCESSING')).toBe('cancel_after_charge')
    expect(cancellationAction('COMPLETED')).toBe('refund')
    expect(cancellationAction('PARTIALLY_REFUNDED')).toBe('refund')
    expect(cancellationAction('REFUNDED')).toBe('nothing')
    expect(cancellationAction('CANCELLED')).toBe('nothing')
  })
})

describe('refundDecision', () => {
  it('defaults to all that remains after settled and pending refunds', () => {
    expect(refundDecision(state({ status: 'COMPLETED' }), 0)).toEqual({ ok: true, amount: 10_000 })
    expect(refundDecision(state({ status: 'PARTIALLY_REFUNDED', refundedAmount: 3_000 }), 2_000)).toEqual({ ok: true, amount: 5_000 })
  })

  it('takes the amount asked when it fits', () => {
    expect(refundDecision(state({ status: 'COMPLETED' }), 0, 10_000)).toEqual({ ok: true, amount: 10_000 })
    expect(refundDecision(state({ status: 'COMPLETED' }), 4_000, 6_000)).toEqual({ ok: true, amount: 6_000 })
  })

  it('asking for more than remains is an over-refund', () => {
    const d = refundDecision(state({ status: 'PARTIALLY_REFUNDED', refundedAmount: 7_000 }), 0, 3_001)
    expect(d).toMatchObject({ ok: false, kind: 'over_refund' })
    expect(refundDecision(state({ status: 'COMPLETED' }), 10_000)).toMatchObject({ ok: false, kind: 'over_refund' })
  })

  it('nothing captured or everything refunded is not refundable', () => {
    for (const status of ['READY', 'PROCESSING', 'FAILED', 'CANCELLED', 'REFUNDED'] as const) {
      expect(refundDecision(state({ status }), 0)).toMatchObject({ ok: false, kind: 'invalid_state' })
    }
  })
})
