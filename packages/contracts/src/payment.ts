import { type Static, Type } from '@sinclair/typebox'

/** HTTP shapes of the payment service (API.md "Payments"), shared with the clients. */

/**
 * Payment statuses. `PROCESSING` is added to API.md's list: a charge is in flight at the
 * payment gateway, or its outcome is being reconciled after a timeout; it is not payable.
 */
export const PAYMENT_STATUSES = [
  'READY',
  'PROCESSING',
  'COMPLETED',
  'FAILED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
  'CANCELLED',
] as const
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number]
export const PaymentStatus = Type.Union(PAYMENT_STATUSES.map((s) => Type.Literal(s)))

export const PAYMENT_METHODS = ['card', 'transfer', 'easy_pay'] as const
export type PaymentMethod = (typeof PAYMENT_METHODS)[number]
export const PaymentMethod = Type.Union(PAYMENT_METHODS.map((m) => Type.Literal(m)))

/**
 * failureCode values a FAILED payment may carry. The simulator's tokens give
 * card_declined and insufficient_funds; pg_timeout means the gateway never answered and
 * reconciliation found no charge.
 */
export const PAYMENT_FAILURE_CODES = [
  'card_declined',
  'insufficient_funds',
  'limit_exceeded',
  'card_expired',
  'invalid_card',
  'payment_expired',
  'simulated_failure',
  'pg_timeout',
  'pg_declined',
] as const

const Uuid = Type.String({ format: 'uuid' })
const Krw = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'KRW' })

export const PayBody = Type.Object(
  {
    orderId: Uuid,
    amount: Krw,
    method: PaymentMethod,
    paymentToken: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'The token the PG widget gave the client (the simulator: tok_success, tok_declined, ...)',
    }),
  },
  { additionalProperties: false },
)
export type PayBody = Static<typeof PayBody>

export const RefundBody = Type.Object(
  {
    amount: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'KRW; default all that remains' })),
    reason: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
)
export type RefundBody = Static<typeof RefundBody>

export const PaymentRefund = Type.Object({
  id: Uuid,
  amount: Krw,
  reason: Type.String(),
  at: Type.String({ format: 'date-time' }),
})
export type PaymentRefund = Static<typeof PaymentRefund>

export const Payment = Type.Object({
  id: Uuid,
  orderId: Uuid,
  userId: Uuid,
  status: PaymentStatus,
  amount: Krw,
  refundedAmount: Krw,
  currency: Type.Literal('KRW'),
  /** null until a charge has been tried. */
  method: Type.Union([PaymentMethod, Type.Null()]),
  approvedAt: Type.Optional(Type.String({ format: 'date-time' })),
  failureCode: Type.Optional(Type.String()),
  failureMessage: Type.Optional(Type.String()),
  refunds: Type.Array(PaymentRefund),
})
export type Payment = Static<typeof Payment>

/** GET /payments/methods: the PG behind the shop; the simulator's test cards map a card number to its token. */
export const PaymentMethods = Type.Object({
  provider: Type.String({ description: 'simulator | toss' }),
  methods: Type.Array(PaymentMethod),
  testCards: Type.Optional(
    Type.Array(
      Type.Object({
        number: Type.String({ pattern: '^[0-9]{16}$' }),
        paymentToken: Type.String(),
        outcome: Type.String({ description: 'approved | card_declined | insufficient_funds' }),
      }),
    ),
  ),
})
export type PaymentMethods = Static<typeof PaymentMethods>
