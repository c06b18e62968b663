import type { Payment, PayBody } from '@shop/contracts/payment'
import type { AuthUser } from '@shop/platform/auth'
import { withTransaction } from '@shop/platform/db'
import { type IdempotencyClaim, type IdempotentResponse, requestFingerprint } from '@shop/platform/idempotency'
import type { Payments } from '../context.ts'
import {
  type AttemptRow,
  claimKeyAndStartAttempt,
  findAttemptByRequest,
  markUnknown,
  type OrderPaymentState,
  type StartedAttempt,
  settleAttempt,
  startAttempt,
  startAttemptForOrder,
} from '../data/attempt.repository.ts'
import {
  findPayment,
  findPaymentByOrder,
  findPaymentForRequest,
  insertPrepared,
  type PaymentRow,
  releaseClaim,
} from '../data/payment.repository.ts'
import type { ConfirmResult } from '../domain/payment-gateway.ts'
import { notPayableReason } from '../domain/payment-rules.ts'
import { PgUnavailable } from '../gateways/pg-client.ts'
import { AmountMismatch, GatewayUnavailable, NotPayable, PaymentNotFound } from '../payment.errors.ts'
import { loadPaymentView } from './payment-view.ts'
import { reconcilePayment } from './reconcile.ts'
import { settleChargeOfRequest } from './settle-charge.ts'

/**
 * POST /payments: charges the order's prepared payment, under the caller's
 * Idempotency-Key (a replay answers the stored response and charges nothing). At most
 * one charge per payment is in flight: it is claimed with a conditional UPDATE, so of
 * concurrent requests with different keys exactly one reaches the PG. The usual request
 * claims its key and its payment in one statement, and settles the charge and answers the
 * key in another: with the PG's call, three round trips in all.
 */
export function pay(p: Payments, user: AuthUser, body: PayBody, idempotencyKey: string): Promise<IdempotentResponse<Payment>> {
  const fingerprint = requestFingerprint({ method: 'POST', path: '/payments', body })
  const requestKey = `${user.id}:${idempotencyKey}`
  const order = { orderId: body.orderId, userId: user.id, requestKey, method: body.method, amount: body.amount }
  return p.idempotency.runClaiming(
    { scope: user.id, key: idempotencyKey, fingerprint },
    // The usual request: its order's payment is prepared, payable and for this amount. A
    // payment that is READY or FAILED has no approved attempt, of this request or another.
    async (claimRow) => {
      const { token, attempt, found } = await claimKeyAndStartAttempt(p.pool, order, claimRow)
      return { token, found: { attempt, found } }
    },
    async (claim, { attempt, found }) => {
      const charged = attempt
        ? await chargeAttempt(p, attempt, body.paymentToken, claim)
        : await chargeAfterChecks(p, user, body, requestKey, claim, found)
      return { status: 201, body: charged.view, answered: charged.answered }
    },
  )
}

/** The payment as the request answers it; `answered` when its Idempotency-Key's answer committed with the charge. */
interface Charged {
  view: Payment
  answered: boolean
}

const unanswered = (view: Payment): Charged => ({ view, answered: false })

/** The usual claim, for a request that holds its key already: an attempt on the order's payment when it is the caller's, payable and for this amount; null otherwise. */
const claimPrepared = (p: Payments, user: AuthUser, body: PayBody, requestKey: string) =>
  startAttemptForOrder(p.pool, { orderId: body.orderId, userId: user.id, requestKey, method: body.method, amount: body.amount })

/**
 * Sends the attempt's charge and answers the payment as it settled, the Idempotency-Key's
 * answer stored in the settlement's statement: a retry after anything that follows the
 * commit replays this answer, and a settlement that failed left no answer behind.
 */
async function chargeAttempt(p: Payments, attempt: StartedAttempt, token: string, claim: IdempotencyClaim): Promise<Charged> {
  const view = await settleChargeOfRequest(p, attempt, await confirm(p, attempt, token), claim)
  if (view) return { view, answered: true }
  return unanswered(await loadPaymentView(p.pool, (await findPayment(p.pool, attempt.paymentId)) as PaymentRow))
}

/**
 * Everything else: a payment not prepared yet, another owner, an earlier charge, a refusal
 * to explain. `seen` is the order's payment as the failed claim saw it: taken as it is
 * unless it looked payable (READY or FAILED), which a concurrent claim may have changed
 * since, or a mismatch explains; that is read afresh.
 */
async function chargeAfterChecks(
  p: Payments,
  user: AuthUser,
  body: PayBody,
  requestKey: string,
  claim: IdempotencyClaim,
  seen: OrderPaymentState,
): Promise<Charged> {
  const payable = seen?.payment.status === 'READY' || seen?.payment.status === 'FAILED'
  let found = payable ? await findPaymentForRequest(p.pool, body.orderId, requestKey) : seen
  // Usually its order.created is a few milliseconds behind: cheaper to wait than to ask over HTTP.
  if (!found && (await p.preparations.wait(body.orderId, p.preparationWaitMs))) {
    // Prepared just now, so READY without attempts: the usual claim applies, as if it had been there.
    const attempt = await claimPrepared(p, user, body, requestKey)
    if (attempt) return chargeAttempt(p, attempt, body.paymentToken, claim)
    found = await findPaymentForRequest(p.pool, body.orderId, requestKey)
  }
  // A payment prepared only now has no attempts yet, so none of this request's.
  let payment = found?.payment ?? (await prepareFromOrderService(p, user, body.orderId))
  let ownAttempt = found?.ownAttempt ?? null
  if (payment.userId !== user.id) throw new PaymentNotFound('No such order')

  if (payment.status === 'PROCESSING') {
    payment = await settleEarlierCharge(p, payment)
    ownAttempt = (await findAttemptByRequest(p.pool, payment.id, requestKey))?.status ?? null
  }
  // This very request (its Idempotency-Key) timed out before, and its charge went through after all.
  if (ownAttempt === 'APPROVED') return unanswered(await loadPaymentView(p.pool, payment))

  const reason = notPayableReason(payment, p.now())
  if (reason) throw new NotPayable(reason)
  if (body.amount !== payment.amount) throw new AmountMismatch(payment.amount, body.amount)

  const attempt = await startAttempt(p.pool, {
    paymentId: payment.id,
    orderId: payment.orderId,
    userId: payment.userId,
    requestKey,
    method: body.method,
    amount: payment.amount,
  })
  if (!attempt) {
    const now = await findPayment(p.pool, payment.id)
    throw new NotPayable((now && notPayableReason(now, p.now())) ?? 'it changed while this request was handled')
  }
  return chargeAttempt(p, attempt, body.paymentToken, claim)
}

/**
 * Design decision: order.created reaches us through the order service's outbox and the
 * broker, so a client can pay before it arrives. Rather than refuse an order that
 * exists, the payment is prepared from the order service's own answer (GET /orders/:id
 * with the caller's token), with the same insert the order.created handler makes, so
 * whichever of the two comes second changes nothing.
 */
async function prepareFromOrderService(p: Payments, user: AuthUser, orderId: string): Promise<PaymentRow> {
  const order = await p.orders.get(orderId, user.token)
  if (!order) throw new PaymentNotFound('No such order')
  if (order.status !== 'PENDING_PAYMENT') throw new NotPayable(`the order is ${order.status}`)
  const prepared = await insertPrepared(p.pool, { orderId, userId: order.userId, amount: order.total, expiresAt: new Date(order.expiresAt) })
  const payment = prepared ?? (await findPaymentByOrder(p.pool, orderId))
  if (!payment) throw new Error(`payment of order ${orderId} missing right after it was prepared`)
  return payment
}

/** A payment left PROCESSING by a timed-out charge is reconciled first, so its outcome is known before anything else. */
async function settleEarlierCharge(p: Payments, payment: PaymentRow): Promise<PaymentRow> {
  try {
    await reconcilePayment(p, payment.id)
  } catch (err) {
    if (err instanceof PgUnavailable) throw new GatewayUnavailable(err.retryAfterSeconds)
    throw err
  }
  return (await findPayment(p.pool, payment.id)) as PaymentRow
}

/** Sends the charge. Without an answer the attempt is UNKNOWN (503) until the reconciler has asked the PG. */
async function confirm(p: Payments, attempt: AttemptRow, token: string): Promise<ConfirmResult> {
  try {
    const result = await p.pg.confirm({
      paymentId: attempt.paymentId,
      orderId: attempt.orderId,
      amount: attempt.amount,
      token,
      idempotencyKey: attempt.pgKey,
    })
    p.charges.inc({ outcome: result.status })
    return result
  } catch (err) {
    if (err instanceof PgUnavailable && !err.sent) {
      // The breaker kept the request from the PG: nothing can have been charged.
      p.charges.inc({ outcome: 'not_sent' })
      await withTransaction(p.pool, async (client) => {
        await settleAttempt(client, attempt.id, { status: 'DECLINED', code: 'pg_unavailable', message: 'The payment gateway is unavailable; not sent' })
        await releaseClaim(client, attempt.paymentId)
      })
      throw new GatewayUnavailable(err.retryAfterSeconds)
    }
    p.charges.inc({ outcome: 'unknown' })
    await markUnknown(p.pool, attempt.id)
    p.logger.warn({ err: (err as Error).message, attemptId: attempt.id, paymentId: attempt.paymentId }, 'charge outcome unknown; to be reconciled')
    throw new GatewayUnavailable()
  }
}
