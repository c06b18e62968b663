import {
  type CancelResult,
  type ConfirmResult,
  type LookupResult,
  type PaymentGatewayAdapter,
  PgOutcomeUnknown,
} from '../domain/payment-gateway.ts'
import { tossFailureCode, tossOutcomeUnknown } from './toss-codes.ts'

/**
 * Toss Payments' server-side API (https://docs.tosspayments.com/reference): confirm a
 * payment the client authorised with the widget (paymentKey = our paymentToken), cancel
 * it in full or in part, and look it up by orderId. Basic auth with the secret key; an
 * Idempotency-Key on every POST so a repeated request never acts twice.
 */

export interface TossOptions {
  /** https://api.tosspayments.com, or a local fake in tests. */
  apiBase: string
  secretKey: string
}

/** The fields of Toss's Payment object that we read. */
interface TossPayment {
  paymentKey?: string
  orderId?: string
  totalAmount?: number
  status?: string
  approvedAt?: string | null
  failure?: { code?: string; message?: string } | null
  cancels?: { canceledAt?: string }[] | null
}

interface TossError {
  code?: string
  message?: string
}

interface Answer {
  status: number
  body: TossPayment & TossError
}

const MISMATCHED: ConfirmResult = {
  status: 'declined',
  code: 'pg_declined',
  message: 'The payment gateway approved another order or amount than the one asked; the approval was not accepted',
}

const APPROVED_STATUSES = new Set(['DONE', 'CANCELED', 'PARTIAL_CANCELED'])
const FAILED_STATUSES = new Set(['ABORTED', 'EXPIRED'])

/** Creates the Toss adapter. */
export function createTossGateway(opts: TossOptions): PaymentGatewayAdapter {
  const base = opts.apiBase.replace(/\/+$/, '')
  const authorization = `Basic ${Buffer.from(`${opts.secretKey}:`).toString('base64')}`

  async function call(method: 'GET' | 'POST', path: string, signal: AbortSignal, body?: unknown, idempotencyKey?: string): Promise<Answer> {
    const headers: Record<string, string> = { authorization, accept: 'application/json' }
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    })
    const text = await res.text()
    if (res.status >= 500) throw new PgOutcomeUnknown(`toss answered ${res.status}`)
    let parsed: unknown
    try {
      parsed = text ? JSON.parse(text) : {}
    } catch {
      throw new PgOutcomeUnknown(`toss answered ${res.status} with a body that is not JSON`)
    }
    if (!parsed || typeof parsed !== 'object') throw new PgOutcomeUnknown(`toss answered ${res.status} with an unexpected body`)
    return { status: res.status, body: parsed as Answer['body'] }
  }

  const errorOf = (a: Answer) => ({ code: a.body.code ?? `http_${a.status}`, message: a.body.message ?? `Toss answered ${a.status}` })

  function approved(p: TossPayment): ConfirmResult {
    if (!p.paymentKey) throw new PgOutcomeUnknown('toss approved a payment without a paymentKey')
    return { status: 'approved', approvedAt: p.approvedAt ? new Date(p.approvedAt) : new Date(), pgTransactionId: p.paymentKey }
  }

  return {
    name: 'toss',

    async confirm(req, signal) {
      const a = await call('POST', '/v1/payments/confirm', signal, { paymentKey: req.token, orderId: req.orderId, amount: req.amount }, req.idempotencyKey)
      if (a.status >= 200 && a.status < 300) {
        if (a.body.status !== 'DONE') throw new PgOutcomeUnknown(`toss confirmed with status ${a.body.status}`)
        // An approval of another order or another amount is not the charge we asked for:
        // recording it would mark the order paid for money that was not taken.
        if (a.body.orderId !== req.orderId || a.body.totalAmount !== req.amount) return MISMATCHED
        return approved(a.body)
      }
      const { code, message } = errorOf(a)
      if (tossOutcomeUnknown(code)) throw new PgOutcomeUnknown(`toss: ${code}`)
      return { status: 'declined', code: tossFailureCode(code), message: `[${code}] ${message}` }
    },

    async cancel(req, signal): Promise<CancelResult> {
      const path = `/v1/payments/${encodeURIComponent(req.pgTransactionId)}/cancel`
      const a = await call('POST', path, signal, { cancelReason: req.reason, cancelAmount: req.amount }, req.idempotencyKey)
      if (a.status >= 200 && a.status < 300) {
        const last = a.body.cancels?.at(-1)?.canceledAt
        return { status: 'cancelled', cancelledAt: last ? new Date(last) : new Date() }
      }
      const { code, message } = errorOf(a)
      if (tossOutcomeUnknown(code)) throw new PgOutcomeUnknown(`toss: ${code}`)
      return { status: 'rejected', code, message }
    },

    async lookup(req, signal): Promise<LookupResult> {
      const a = await call('GET', `/v1/payments/orders/${encodeURIComponent(req.orderId)}`, signal)
      if (a.status === 404) return { status: 'not_found' }
      if (a.status >= 300) throw new PgOutcomeUnknown(`toss lookup answered ${a.status} ${a.body.code ?? ''}`.trim())
      const status = a.body.status ?? ''
      if (APPROVED_STATUSES.has(status)) return approved(a.body)
      if (FAILED_STATUSES.has(status)) {
        const code = a.body.failure?.code ?? status
        return { status: 'declined', code: tossFailureCode(code), message: a.body.failure?.message ?? `Toss payment ${status}` }
      }
      // READY: the widget session exists but our confirm never reached Toss.
      if (status === 'READY') return { status: 'not_found' }
      return { status: 'pending' }
    },
  }
}
