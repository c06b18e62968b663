import type { Payment, PayBody } from '@shop/contracts/payment'
import type { AuthUser } from '@shop/platform/auth'
import { withTransaction } from '@shop/platform/db'
import { UpstreamUnavailable } from '@shop/platform/errors'
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
import type { OrderSnapshot } from '../gateways/order-service.ts'
import { PgUnavailable } from '../gateways/pg-client.ts'
import { AmountMismatch, GatewayUnavailable, NotPayable, PaymentNotFound } from '../payment.errors.ts'
import { loadPaymentView } from './payment-view.ts'
import { reconcilePayment } from './reconcile.ts'
import { settleChargeOfRequest } from './settle-charge.ts'

/**
 * POST /payments: charges the order's payment, under the caller's Idempotency-Key (a
 * replay answers the stored response and charges nothing). At most one charge per
 * payment is in flight: it is claimed with a conditional UPDATE (or created claimed, by
 * an INSERT the order's unique payment row serialises), so of concurrent requests with
 * different keys exactly one reaches the PG.
 *
 * Design decision: the payment is made from the order service's answer to this request
 * (GET /orders/:id with the caller's token), not prepared earlier from order.created. A
 * client pays a few milliseconds after placing its order, before the event had reached
 * us more often than not under load; a read of the order is cheaper than the event's
 * delivery and its own transaction, and the request no longer waits for the event. The
 * usual request then reads the order, claims its key and creates its payment with the
 * attempt in one statement, and settles the charge and answers the key in another.
 */
export async function pay(p: Payments, user: AuthUser, body: PayBody, idempotencyKey: string): Promise<IdempotentResponse<Payment>> {
  const fingerprint = requestFingerprint({ method: 'POST', path: '/payments', body })
  const requestKey = `${user.id}:${idempotencyKey}`
  const order = { orderId: body.orderId, userId: user.id, requestKey, method: body.method, amount: body.amount }
  const snapshot = await readOrder(p, user, body.orderId)
  const payableUntil = payableDeadline(snapshot, user, body, p.now())
  return p.idempotency.runClaiming(
    { scope: user.id, key: idempotencyKey, fingerprint },
    // The usual request: the order is payable by this user for this amount, and its
    // payment is new, or READY or FAILED (no approved attempt, of this request or another).
    async (claimRow) => {
      const { token, attempt, found } = await claimKeyAndStartAttempt(p.pool, order, claimRow, payableUntil)
      return { token, found: { attempt, found } }
    },
    async (claim, { attempt, found }) => {
      const charged = attempt
        ? await chargeAttempt(p, attempt, body.paymentToken, claim)
        : await chargeAfterChecks(p, user, body, requestKey, claim, found, snapshot)
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

/**
 * The order as the order service answers its owner: null when it is not the caller's (404);
 * undefined when the order service cannot answer now, so that a payment made before (a
 * declined card paid again) can still be charged; with none, the request fails 503 later.
 */
async function readOrder(p: Payments, user: AuthUser, orderId: string): Promise<OrderSnapshot | null | undefined> {
  try {
    return await p.orders.get(orderId, user.token)
  } catch (err) {
    if (err instanceof UpstreamUnavailable) return undefined
    throw err
  }
}

/** Until when the payment may be created claimed: the order is PENDING_PAYMENT, the caller's, for exactly this amount and not expired; else null. */
function payableDeadline(order: OrderSnapshot | null | undefined, user: AuthUser, body: PayBody, now: Date): Date | null {
  if (!order || order.status !== 'PENDING_PAYMENT' || order.userId !== user.id || order.total !== body.amount) return null
  const expiresAt = new Date(order.expiresAt)
  return expiresAt > now ? expiresAt : null
}

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
 * Everything else: a payment not made yet, another owner, an earlier charge, a refusal
 * to explain. `seen` is the order's payment as the failed claim saw it: taken as it is
 * unless it looked payable (READY or FAILED), which a concurrent claim may have changed
 * since, or a mismatch explains; that is read afresh. `order` is the order service's
 * answer read before the claim (undefined when it could not answer).
 */
async function chargeAfterChecks(
  p: Payments,
  user: AuthUser,
  body: PayBody,
  requestKey: string,
  claim: IdempotencyClaim,
  seen: OrderPaymentState,
  order: OrderSnapshot | null | undefined,
): Promise<Charged> {
  const payable = seen?.payment.status === 'READY' || seen?.payment.status === 'FAILED'
  // Not seen: none yet, or one a concurrent request created after the claim's snapshot.
  const found = payable || !seen ? await findPaymentForRequest(p.pool, body.orderId, requestKey) : seen
  // A payment prepared only now has no attempts yet, so none of this request's.
  let payment = found?.payment ?? (await prepareFromOrder(p, user, body.orderId, order))
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
 * The READY payment of an order the usual claim could not create claimed (a wrong amount,
 * say, which is then refused with the order's payment on record), from the order
 * service's answer; asked again when it could not answer before (503 if it still cannot).
 * An order.cancelled handled first left a CANCELLED row, which the insert keeps.
 */
async function prepareFromOrder(p: Payments, user: AuthUser, orderId: string, known: OrderSnapshot | null | undefined): Promise<PaymentRow> {
  const order = known === undefined ? await p.orders.get(orderId, user.token) : known
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
