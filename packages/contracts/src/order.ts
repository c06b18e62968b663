import { type Static, Type } from '@sinclair/typebox'
import { ShippingAddress } from './events.ts'

/**
 * HTTP shapes of the order service (API.md "Orders"), shared with the gateway and the
 * clients. One schema validates the request, documents it and types it.
 */

const Uuid = Type.String({ format: 'uuid' })
const Krw = Type.Integer({ minimum: 0, description: 'integer KRW' })
const Timestamp = Type.String({ format: 'date-time' })

/** Most lines one order may hold. */
export const MAX_ORDER_LINES = 50
/** Most units of one product per order line (the service may set a lower cap). */
export const MAX_LINE_QUANTITY = 100

export const ORDER_STATUSES = ['PENDING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]
export const OrderStatus = Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s)))

export const OrderItemInput = Type.Object(
  { productId: Uuid, quantity: Type.Integer({ minimum: 1, maximum: MAX_LINE_QUANTITY }) },
  { additionalProperties: false },
)
export type OrderItemInput = Static<typeof OrderItemInput>

/**
 * `POST /orders` (header `Idempotency-Key` required). Prices are never taken from the
 * client: they come from the product service's reservation. Each productId at most once.
 */
export const PlaceOrderBody = Type.Object(
  {
    items: Type.Array(OrderItemInput, { minItems: 1, maxItems: MAX_ORDER_LINES }),
    shippingAddress: ShippingAddress,
  },
  { additionalProperties: false },
)
export type PlaceOrderBody = Static<typeof PlaceOrderBody>

export const CancelOrderBody = Type.Object(
  { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
)
export type CancelOrderBody = Static<typeof CancelOrderBody>

export const OrderLine = Type.Object({
  productId: Uuid,
  name: Type.String(),
  unitPrice: Krw,
  quantity: Type.Integer({ minimum: 1 }),
  lineTotal: Krw,
})
export type OrderLine = Static<typeof OrderLine>

/** The delivery address: in clear for the order's owner, masked (홍*동, 010-****-5678) for an admin. */
export const OrderAddress = Type.Object({
  recipient: Type.String(),
  phone: Type.String(),
  postalCode: Type.String(),
  address1: Type.String(),
  address2: Type.Optional(Type.String()),
})
export type OrderAddress = Static<typeof OrderAddress>

/** What the order knows of its payment, from the payment service's events. */
export const OrderPayment = Type.Object({
  status: Type.String({ description: 'COMPLETED | FAILED | PARTIALLY_REFUNDED | REFUNDED' }),
  paymentId: Uuid,
  failureCode: Type.Optional(Type.String()),
  refundedAmount: Type.Optional(Krw),
})
export type OrderPayment = Static<typeof OrderPayment>

/** What the order knows of its shipment, from the shipping service's events. */
export const OrderShipment = Type.Object({
  status: Type.String({ description: 'DISPATCHED | DELIVERED' }),
  trackingNumber: Type.Optional(Type.String()),
  carrier: Type.Optional(Type.String()),
})
export type OrderShipment = Static<typeof OrderShipment>

export const OrderHistoryEntry = Type.Object({
  status: OrderStatus,
  at: Timestamp,
  reason: Type.Optional(Type.String()),
})
export type OrderHistoryEntry = Static<typeof OrderHistoryEntry>

export const OrderView = Type.Object({
  id: Uuid,
  userId: Uuid,
  status: OrderStatus,
  items: Type.Array(OrderLine),
  subtotal: Krw,
  shippingFee: Krw,
  total: Krw,
  currency: Type.Literal('KRW'),
  shippingAddress: OrderAddress,
  payment: Type.Optional(OrderPayment),
  shipment: Type.Optional(OrderShipment),
  history: Type.Array(OrderHistoryEntry),
  createdAt: Timestamp,
  expiresAt: Timestamp,
})
export type OrderView = Static<typeof OrderView>

/** A calendar date in Korea time (Asia/Seoul), `YYYY-MM-DD`. */
const KoreaDate = Type.String({ format: 'date', description: 'a date in Korea time (Asia/Seoul), YYYY-MM-DD' })

/**
 * `GET /orders`: newest first. An admin sees everyone's orders and may narrow them by
 * `userId`; a customer only ever sees their own, whatever the filters say. `from` and
 * `to` are Korea-time dates (both included); `q` is the start of an order id.
 */
export const OrderListQuery = Type.Object(
  {
    status: Type.Optional(OrderStatus),
    userId: Type.Optional(Uuid),
    from: Type.Optional(KoreaDate),
    to: Type.Optional(KoreaDate),
    q: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F-]{1,36}$', description: 'the start of an order id' })),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
)
export type OrderListQuery = Static<typeof OrderListQuery>

export const OrderList = Type.Object({
  items: Type.Array(OrderView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
})
export type OrderList = Static<typeof OrderList>

/**
 * `GET /orders/:id/events`: how long the server keeps the stream open at most, and
 * `until=settled` for a client that waits only for the payment's outcome: the stream then
 * ends normally (keeping the connection for the next request) once the order is no longer
 * PENDING_PAYMENT, instead of the client closing it.
 */
export const OrderEventsQuery = Type.Object(
  {
    timeout: Type.Integer({ minimum: 1, maximum: 300, default: 60, description: 'seconds' }),
    until: Type.Optional(
      Type.Literal('settled', {
        description:
          'settled: also end the stream, after sending the frame that shows it, once the order has left PENDING_PAYMENT ' +
          '(PAID, SHIPPED, DELIVERED or CANCELLED), at once when it already has; a failed payment attempt does not end it ' +
          '(the order stays payable). Without it the stream ends only after DELIVERED, CANCELLED or the timeout',
      }),
    ),
  },
  { additionalProperties: false },
)
export type OrderEventsQuery = Static<typeof OrderEventsQuery>

/** Most days `GET /orders/summary` covers at once. */
export const MAX_SUMMARY_DAYS = 92

/** `GET /orders/summary` (admin): orders placed from `from` to `to`, Korea-time dates, both included. */
export const OrderSummaryQuery = Type.Object({ from: KoreaDate, to: KoreaDate }, { additionalProperties: false })
export type OrderSummaryQuery = Static<typeof OrderSummaryQuery>

const Count = Type.Integer({ minimum: 0 })

export const OrderSummaryDay = Type.Object({
  date: Type.String({ format: 'date' }),
  orders: Count,
  paidOrders: Type.Integer({ minimum: 0, description: 'orders placed that day whose payment was captured' }),
  revenue: Type.Integer({ minimum: 0, description: 'KRW captured for orders placed that day' }),
  refunded: Type.Integer({ minimum: 0, description: 'KRW refunded of orders placed that day' }),
})
export type OrderSummaryDay = Static<typeof OrderSummaryDay>

export const OrderSummary = Type.Object({
  byStatus: Type.Object(Object.fromEntries(ORDER_STATUSES.map((s) => [s, Count])) as Record<OrderStatus, typeof Count>),
  days: Type.Array(OrderSummaryDay),
  totals: Type.Object({ orders: Count, revenue: Krw, refunded: Krw }),
})
export type OrderSummary = Static<typeof OrderSummary>
