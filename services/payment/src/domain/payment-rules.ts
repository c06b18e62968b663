import type { PaymentStatus } from '@shop/contracts/payment'

/**
 * The payment's rules, free of I/O: when it may be charged, what order.cancelled does to
 * it, and how much a refund may take.
 */

export interface PaymentState {
  status: PaymentStatus
  amount: number
  refundedAmount: number
  /** The order's payment deadline (null: unknown, never payable). */
  expiresAt: Date | null
}

/** Why the payment cannot be charged now, or null when it can. */
export function notPayableReason(p: PaymentState, now: Date): string | null {
  switch (p.status) {
    case 'READY':
    case 'FAILED':
      if (!p.expiresAt || p.expiresAt.getTime() <= now.getTime()) return 'the order is past its payment deadline'
      return null
    case 'PROCESSING':
      return 'a charge for this order is already in progress'
    case 'COMPLETED':
    case 'PARTIALLY_REFUNDED':
    case 'REFUNDED':
      return 'this order has already been paid'
    case 'CANCELLED':
      return 'the payment was cancelled with its order'
  }
}

/** What order.cancelled does to the order's payment, by its status (undefined: there is none yet). */
export type CancellationAction =
  /** Nothing captured: the payment becomes CANCELLED (a missing one is recorded as such). */
  | 'cancel'
  /** A charge is in flight: mark it, and refund it as soon as it completes. */
  | 'cancel_after_charge'
  /** Money was captured: refund all that remains. */
  | 'refund'
  /** Already cancelled or fully refunded. */
  | 'nothing'

/** Decides what cancelling the order means for a payment in this status. */
export function cancellationAction(status: PaymentStatus | undefined): CancellationAction {
  switch (status) {
    case undefined:
    case 'READY':
    case 'FAILED':
      return 'cancel'
    case 'PROCESSING':
      return 'cancel_after_charge'
    case 'COMPLETED':
    case 'PARTIALLY_REFUNDED':
      return 'refund'
    case 'REFUNDED':
    case 'CANCELLED':
      return 'nothing'
  }
}

export type RefundDecision =
  | { ok: true; amount: number }
  | { ok: false; kind: 'invalid_state' | 'over_refund'; reason: string }

/**
 * How much a refund takes: the amount asked, or all that remains (captured minus settled
 * minus refunds still in progress). Asking for more than remains is an over-refund.
 */
export function refundDecision(p: PaymentState, pendingRefunds: number, requested?: number): RefundDecision {
  if (p.status !== 'COMPLETED' && p.status !== 'PARTIALLY_REFUNDED') {
    const reason = p.status === 'REFUNDED' ? 'the payment has been refunded in full' : `nothing has been captured (status ${p.status})`
    return { ok: false, kind: 'invalid_state', reason }
  }
  const remaining = p.amount - p.refundedAmount - pendingRefunds
  if (remaining <= 0) return { ok: false, kind: 'over_refund', reason: 'refunds in progress already take all that was captured' }
  const amount = requested ?? remaining
  if (amount > remaining) return { ok: false, kind: 'over_refund', reason: `only ${remaining} KRW remains refundable` }
  return { ok: true, amount }
}
