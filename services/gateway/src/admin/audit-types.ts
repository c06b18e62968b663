/**
 * What the consistency auditor reads from each service's GET /internal/audit (the
 * services declare the same shapes as their response schemas) and what it reports.
 */

export const CONSUMERS = ['product', 'order', 'payment', 'shipping'] as const
export type Consumer = (typeof CONSUMERS)[number]

export interface Backlog {
  count: number
  oldestAgeSeconds: number | null
}

export interface InventoryFacts {
  productId: string
  deleted: boolean
  onHand: number
  reserved: number
  activeReserved: number
  ledger: { initial: number; adjustments: number; sold: number; restocked: number }
}

export interface OrderFacts {
  id: string
  status: string
  total: number
  createdAt: string
  expiresAt: string
  statusAt: string
  history: { status: string; at: string }[]
  payment: { status: string; paymentId: string } | null
  shipment: { status: string } | null
  items: { productId: string; quantity: number }[]
}

export interface PaymentFacts {
  paymentId: string
  orderId: string
  status: string
  amount: number
  refundedAmount: number
  cancelRequested: boolean
  updatedAt: string
  charges: { approved: number; captured: number; unsettled: number }
  refunds: { done: number; pending: number; oldestPendingAt: string | null }
  bank: { charges: number; charged: number; cancelled: number } | null
}

export interface ShipmentFacts {
  shipmentId: string
  orderId: string
  status: string
  createdAt: string
  updatedAt: string
}

/** Everything the auditor looks at; a list is null when its service could not be read. */
export interface ShopFacts {
  products: InventoryFacts[] | null
  orders: OrderFacts[] | null
  payments: PaymentFacts[] | null
  shipments: ShipmentFacts[] | null
  pgProvider: string | null
  /** Outbox backlog per publishing service (absent: not read). */
  outbox: Partial<Record<Consumer, Backlog>>
  /** Dead letters per consuming service (absent: not read). */
  dlq: Partial<Record<Consumer, Backlog>>
  /** Sources that could not be read, and why. */
  unavailable: { source: string; reason: string }[]
}

export interface AuditOptions {
  now: Date
  /**
   * How long in-flight work may look unfinished (an order paid moments ago without its
   * shipment yet, a refund being sent): 0 once the shop has gone quiet.
   */
  graceSeconds: number
}

export interface Violation {
  /** What is wrong: an order, product or payment id, or a service name. */
  subject: string
  message: string
}

export type Figures = Record<string, number | string | null>

export interface AuditCheck {
  name: string
  description: string
  ok: boolean
  /** False when a source the check needs could not be read: it did not run, and its violations name the sources. */
  checked: boolean
  figures: Figures
  /** The first violations found (at most MAX_LISTED); violationCount has them all. */
  violations: Violation[]
  violationCount: number
}

export interface AuditReport {
  ok: boolean
  at: string
  graceSeconds: number
  checks: AuditCheck[]
}

/** Paid states: the money was captured and the order goes on to shipping. */
export const PAID_STATES = new Set(['PAID', 'SHIPPED', 'DELIVERED'])
