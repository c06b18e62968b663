import { type Static, type TSchema, Type } from '@sinclair/typebox'

/** Event payload schemas: the "Events" table of API.md, one schema per type. */
const Uuid = Type.String({ format: 'uuid' })
const Krw = Type.Integer({ minimum: 0 })
const Timestamp = Type.String({ format: 'date-time' })

export const ShippingAddress = Type.Object(
  {
    recipient: Type.String({ minLength: 1, maxLength: 100 }),
    phone: Type.String({ minLength: 1, maxLength: 30 }),
    postalCode: Type.String({ pattern: '^[0-9]{5}$' }),
    address1: Type.String({ minLength: 1, maxLength: 200 }),
    address2: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
)
export type ShippingAddress = Static<typeof ShippingAddress>

export const EventSchemas = {
  'user.registered': Type.Object({ userId: Uuid, email: Type.String() }),
  'order.created': Type.Object({
    orderId: Uuid,
    userId: Uuid,
    items: Type.Array(
      Type.Object({ productId: Uuid, quantity: Type.Integer({ minimum: 1 }), unitPrice: Krw }),
      { minItems: 1 },
    ),
    subtotal: Krw,
    shippingFee: Krw,
    total: Krw,
    currency: Type.Literal('KRW'),
    // PII never travels in clear through the broker: `sealed` is the whole ShippingAddress
    // encrypted with the platform field cipher (`cipher.encryptJson(address)`, shared
    // PII_ENCRYPTION_KEYS); consumers that need it (shipping) decrypt it. The postal code
    // alone is clear, since fee rules need it and it identifies no one.
    shippingAddress: Type.Object({ postalCode: Type.String({ pattern: '^[0-9]{5}$' }), sealed: Type.String() }),
    expiresAt: Timestamp,
  }),
  'order.cancelled': Type.Object({
    orderId: Uuid,
    userId: Uuid,
    reason: Type.String(),
    previousStatus: Type.String(),
  }),
  'payment.completed': Type.Object({
    paymentId: Uuid,
    orderId: Uuid,
    userId: Uuid,
    amount: Krw,
    method: Type.String(),
    approvedAt: Timestamp,
  }),
  'payment.failed': Type.Object({
    paymentId: Uuid,
    orderId: Uuid,
    userId: Uuid,
    amount: Krw,
    failureCode: Type.String(),
    failureMessage: Type.String(),
  }),
  'payment.refunded': Type.Object({
    paymentId: Uuid,
    orderId: Uuid,
    amount: Krw,
    refundedAmount: Krw,
    reason: Type.String(),
  }),
  'shipment.dispatched': Type.Object({
    shipmentId: Uuid,
    orderId: Uuid,
    carrier: Type.String(),
    trackingNumber: Type.String(),
    dispatchedAt: Timestamp,
  }),
  'shipment.delivered': Type.Object({ shipmentId: Uuid, orderId: Uuid, deliveredAt: Timestamp }),
  'product.updated': Type.Object({ productId: Uuid, fields: Type.Array(Type.String()) }),
  'inventory.low': Type.Object({ productId: Uuid, available: Type.Integer({ minimum: 0 }) }),
} satisfies Record<string, TSchema>

export type EventType = keyof typeof EventSchemas
export type EventData<T extends EventType> = Static<(typeof EventSchemas)[T]>
export const EVENT_TYPES = Object.keys(EventSchemas) as EventType[]

/** The envelope every event travels in. */
export interface EventEnvelope<T extends EventType = EventType> {
  id: string
  type: T
  version: 1
  occurredAt: string
  source: string
  traceparent?: string
  data: EventData<T>
}

export const EnvelopeSchema = Type.Object({
  id: Uuid,
  type: Type.String(),
  version: Type.Literal(1),
  occurredAt: Timestamp,
  source: Type.String({ minLength: 1 }),
  traceparent: Type.Optional(Type.String()),
  data: Type.Unknown(),
})
