import type { Payment, RefundBody } from '@shop/contracts/payment'
import type { AuthUser } from '@shop/platform/auth'
import { withTransaction } from '@shop/platform/db'
import { type IdempotentResponse, requestFingerprint } from '@shop/platform/idempotency'
import type { Payments } from '../context.ts'
import { findPayment, type PaymentRow } from '../data/payment.repository.ts'
import { findRefund, findRefundByRequest, insertRefund, pendingRefundTotal, type RefundRow } from '../data/refund.repository.ts'
import { refundDecision } from '../domain/payment-rules.ts'
import { PgUnavailable } from '../gateways/pg-client.ts'
import { GatewayUnavailable, NotRefundable, OverRefund, PaymentNotFound, RefundRefused } from '../payment.errors.ts'
import { loadPaymentView } from './payment-view.ts'
import { settleRefund } from './settle-refund.ts'

/**
 * POST /payments/:id/refund (admin): reserves the amount under the payment's row lock
 * (so concurrent refunds can never add up to more than was captured), then has the PG
 * cancel it. With an Idempotency-Key, a replay answers the stored response, and a retry
 * after a 503 resumes the same refund instead of starting a second one.
 */
export async function refundPayment(
  p: Payments,
  admin: AuthUser,
  paymentId: string,
  body: RefundBody,
  idempotencyKey?: string,
): Promise<IdempotentResponse<Payment>> {
  if (!idempotencyKey) return { status: 200, body: await refund(p, paymentId, body, null), replayed: false }
  const fingerprint = requestFingerprint({ method: 'POST', path: `/payments/${paymentId}/refund`, body })
  return p.idempotency.run({ scope: admin.id, key: idempotencyKey, fingerprint }, async () => ({
    status: 200,
    body: await refund(p, paymentId, body, `${admin.id}:${idempotencyKey}`),
  }))
}

async function refund(p: Payments, paymentId: string, body: RefundBody, requestKey: string | null): Promise<Payment> {
  const earlier = requestKey ? await findRefundByRequest(p.pool, requestKey) : undefined
  const reserved = earlier ?? (await reserve(p, paymentId, body, requestKey))
  let status: RefundRow['status']
  try {
    status = await settleRefund(p, reserved.id)
  } catch (err) {
    // The reservation stays: the reconciler (or a retry with the same key) finishes it.
    if (err instanceof PgUnavailable) throw new GatewayUnavailable(err.retryAfterSeconds)
    throw err
  }
  if (status === 'FAILED') {
    const failed = (await findRefund(p.pool, reserved.id)) as RefundRow
    throw new RefundRefused(failed.failureCode ?? 'rejected', failed.failureMessage ?? 'no reason given')
  }
  return loadPaymentView(p.pool, (await findPayment(p.pool, paymentId)) as PaymentRow)
}

async function reserve(p: Payments, paymentId: string, body: RefundBody, requestKey: string | null): Promise<RefundRow> {
  return withTransaction(p.pool, async (client) => {
    const payment = await findPayment(client, paymentId, { forUpdate: true })
    if (!payment) throw new PaymentNotFound()
    const decision = refundDecision(payment, await pendingRefundTotal(client, paymentId), body.amount)
    if (!decision.ok) throw decision.kind === 'over_refund' ? new OverRefund(decision.reason) : new NotRefundable(decision.reason)
    return insertRefund(client, { paymentId, amount: decision.amount, reason: body.reason, requestKey })
  })
}
