import { type Static, Type } from '@sinclair/typebox'

/** HTTP shapes of the shipping service, shared with the order service and the clients. */

export const SHIPMENT_STATUSES = ['READY', 'DISPATCHED', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED'] as const
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number]
export const ShipmentStatus = Type.Union(SHIPMENT_STATUSES.map((s) => Type.Literal(s)))

/** Carrier codes: CJ대한통운, 한진, 롯데, 우체국. */
export const CARRIER_CODES = ['CJ', 'HANJIN', 'LOTTE', 'EPOST'] as const
export type CarrierCode = (typeof CARRIER_CODES)[number]
export const CarrierCode = Type.Union(CARRIER_CODES.map((c) => Type.Literal(c)))

export const PostalCode = Type.String({ pattern: '^[0-9]{5}$', description: '5-digit Korean postal code (우편번호)' })

export const ShippingQuoteRequest = Type.Object(
  {
    subtotal: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'KRW' }),
    postalCode: PostalCode,
  },
  { additionalProperties: false },
)
export type ShippingQuoteRequest = Static<typeof ShippingQuoteRequest>

/** One line of a quote; the amounts add up to `fee` (a free-shipping line is negative). */
export const FeeLine = Type.Object({
  kind: Type.String({ description: 'base | free_shipping | jeju | remote_island (or a kind from SHIPPING_FEE_RULES)' }),
  amount: Type.Integer(),
})
export type FeeLine = Static<typeof FeeLine>

export const ShippingQuote = Type.Object({
  fee: Type.Integer({ minimum: 0 }),
  currency: Type.Literal('KRW'),
  breakdown: Type.Array(FeeLine),
  /** The subtotal from which the base fee is waived (a shopper is told how much more to add); absent when the base fee is 0. */
  freeFrom: Type.Optional(Type.Integer({ minimum: 0, description: 'KRW' })),
})
export type ShippingQuote = Static<typeof ShippingQuote>

const Code = Type.String({ pattern: '^[0-9]{5}$' })

export const PostalRange = Type.Object({ from: Code, to: Code, area: Type.Optional(Type.String()) }, { additionalProperties: false })

export const Surcharge = Type.Object(
  {
    kind: Type.String({ minLength: 1 }),
    amount: Type.Integer({ minimum: 0 }),
    ranges: Type.Array(PostalRange, { minItems: 1 }),
  },
  { additionalProperties: false },
)

/**
 * The shipping fee rules (배송비): base fee, waived from `freeFrom`, plus the surcharge of
 * the first surcharge area whose postal-code range holds the address. Shipping owns them
 * (SHIPPING_FEE_RULES); the order service prices orders from a copy (GET /internal/fee-rules).
 */
export const FeeRules = Type.Object(
  {
    baseFee: Type.Integer({ minimum: 0 }),
    freeFrom: Type.Integer({ minimum: 0 }),
    // Checked in order; the first area that matches applies, so Jeju comes before the
    // island list (Jeju's own islands, 우도 and 추자도, are in its range).
    surcharges: Type.Array(Surcharge),
  },
  { additionalProperties: false },
)
export type FeeRules = Static<typeof FeeRules>

/** The surcharge area a postal code falls in, if any (first match wins). */
export function surchargeFor(rules: FeeRules, postalCode: string): { kind: string; amount: number } | undefined {
  // Same-length digit strings compare like the numbers they spell, leading zeros included.
  for (const s of rules.surcharges) {
    if (s.ranges.some((range) => range.from <= postalCode && postalCode <= range.to)) return { kind: s.kind, amount: s.amount }
  }
  return undefined
}

/**
 * The quote the rules give a subtotal delivered to a postal code, for a checked input (a
 * whole KRW subtotal, a 5-digit code). The surcharge is charged even when the base fee is
 * waived: free shipping covers the mainland delivery, not the ferry or flight to Jeju or
 * an island (as Korean shops do).
 */
export function quoteFromRules(rules: FeeRules, input: ShippingQuoteRequest): ShippingQuote {
  const breakdown: FeeLine[] = [{ kind: 'base', amount: rules.baseFee }]
  if (input.subtotal >= rules.freeFrom && rules.baseFee > 0) breakdown.push({ kind: 'free_shipping', amount: -rules.baseFee })
  const surcharge = surchargeFor(rules, input.postalCode)
  if (surcharge) breakdown.push({ kind: surcharge.kind, amount: surcharge.amount })
  const fee = breakdown.reduce((sum, line) => sum + line.amount, 0)
  return { fee, currency: 'KRW', breakdown, ...(rules.baseFee > 0 ? { freeFrom: rules.freeFrom } : {}) }
}

export const TrackingEvent = Type.Object({
  status: ShipmentStatus,
  at: Type.String({ format: 'date-time' }),
  location: Type.Optional(Type.String()),
})
export type TrackingEvent = Static<typeof TrackingEvent>

/** Who receives the parcel; clear for the order's owner, masked for anyone else. */
export const ShipmentRecipient = Type.Object({
  name: Type.String(),
  phone: Type.String(),
  postalCode: Type.String(),
  address1: Type.String(),
  address2: Type.Optional(Type.String()),
})
export type ShipmentRecipient = Static<typeof ShipmentRecipient>

export const Shipment = Type.Object({
  id: Type.String({ format: 'uuid' }),
  orderId: Type.String({ format: 'uuid' }),
  status: ShipmentStatus,
  carrier: Type.Union([CarrierCode, Type.Null()]),
  trackingNumber: Type.Union([Type.String(), Type.Null()]),
  fee: Type.Integer({ minimum: 0 }),
  recipient: ShipmentRecipient,
  events: Type.Array(TrackingEvent),
  createdAt: Type.String({ format: 'date-time' }),
})
export type Shipment = Static<typeof Shipment>

export const DispatchBody = Type.Object(
  {
    status: Type.Literal('DISPATCHED'),
    carrier: CarrierCode,
    trackingNumber: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z-]{6,30}$' })),
  },
  { additionalProperties: false },
)
export const ProgressBody = Type.Object(
  {
    status: Type.Union([Type.Literal('IN_TRANSIT'), Type.Literal('DELIVERED')]),
    location: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
)
export const UpdateShipmentStatusBody = Type.Union([DispatchBody, ProgressBody])
export type UpdateShipmentStatusBody = Static<typeof UpdateShipmentStatusBody>

/** The public tracking answer: no personal data at all. */
export const Tracking = Type.Object({
  trackingNumber: Type.String(),
  carrier: CarrierCode,
  status: ShipmentStatus,
  events: Type.Array(TrackingEvent),
})
export type Tracking = Static<typeof Tracking>

/** `GET /shipments` (admin): the fulfilment queue, oldest first. */
export const ShipmentListQuery = Type.Object(
  {
    status: Type.Optional(ShipmentStatus),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
)
export type ShipmentListQuery = Static<typeof ShipmentListQuery>

export const ShipmentList = Type.Object({ items: Type.Array(Shipment), nextCursor: Type.Union([Type.String(), Type.Null()]) })
export type ShipmentList = Static<typeof ShipmentList>
