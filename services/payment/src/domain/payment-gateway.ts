/**
 * The port every payment gateway (PG) adapter implements: the built-in simulator, Toss
 * Payments, and whatever PG a merchant adds. Declines are answers, not errors; an
 * adapter throws only when it cannot tell what the PG did (timeout, 5xx, garbage).
 */

export interface ConfirmRequest {
  paymentId: string
  orderId: string
  amount: number
  /** The client's PG token (Toss: the paymentKey). */
  token: string
  /** Stable per attempt: the PG answers a repeated key with its first result and never charges twice. */
  idempotencyKey: string
}

export type Approved = { status: 'approved'; approvedAt: Date; pgTransactionId: string }
export type Declined = { status: 'declined'; code: string; message: string }
export type ConfirmResult = Approved | Declined

export interface CancelRequest {
  pgTransactionId: string
  amount: number
  reason: string
  idempotencyKey: string
}

export type CancelResult = { status: 'cancelled'; cancelledAt: Date } | { status: 'rejected'; code: string; message: string }

export interface LookupRequest {
  orderId: string
  /** The confirm's idempotency key; adapters use whichever of the two their PG can search by. */
  idempotencyKey: string
}

/**
 * What the PG knows of a charge: it was approved or declined, it has no record of it
 * (and, for PGs that allow it, will never accept it now), or it is still working on it.
 */
export type LookupResult = ConfirmResult | { status: 'not_found' } | { status: 'pending' }

export interface PaymentGatewayAdapter {
  readonly name: string
  confirm(req: ConfirmRequest, signal: AbortSignal): Promise<ConfirmResult>
  cancel(req: CancelRequest, signal: AbortSignal): Promise<CancelResult>
  lookup(req: LookupRequest, signal: AbortSignal): Promise<LookupResult>
}

/** The PG answered, but not in a way that says whether it acted (a 5xx, an unknown body). */
export class PgOutcomeUnknown extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PgOutcomeUnknown'
  }
}
