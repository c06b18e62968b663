import type { Payment } from '@shop/contracts/payment'
import type { Queryable } from '@shop/platform/db'
import type { PaymentRow } from '../data/payment.repository.ts'
import { listDoneRefunds, type RefundRow } from '../data/refund.repository.ts'

/** The API's payment (API.md "Payments") from its row and its settled refunds. */
export function paymentView(p: PaymentRow, refunds: RefundRow[]): Payment {
  const view: Payment = {
    id: p.id,
    orderId: p.orderId,
    userId: p.userId,
    status: p.status,
    amount: p.amount,
    refundedAmount: p.refundedAmount,
    currency: 'KRW',
    method: p.method,
    refunds: refunds.map((r) => ({
      id: r.id,
      amount: r.amount,
      reason: r.reason,
      at: (r.completedAt ?? new Date()).toISOString(),
    })),
  }
  if (p.approvedAt) view.approvedAt = p.approvedAt.toISOString()
  // A completed payment's failure fields would describe an earlier attempt, not the payment.
  if (p.failureCode && (p.status === 'FAILED' || p.status === 'CANCELLED')) {
    view.failureCode = p.failureCode
    view.failureMessage = p.failureMessage ?? undefined
  }
  return view
}

/** Reads the refunds and builds the view. */
export async function loadPaymentView(db: Queryable, p: PaymentRow): Promise<Payment> {
  return paymentView(p, await listDoneRefunds(db, p.id))
}
