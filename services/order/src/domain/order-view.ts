import type { ShippingAddress } from '@shop/contracts'
import type { OrderAddress, OrderHistoryEntry, OrderLine, OrderPayment, OrderShipment, OrderStatus, OrderView } from '@shop/contracts/order'
import { maskAddress, maskName, maskPhone } from '@shop/platform/crypto'

/** How an order looks to a caller: the address in clear for its owner, masked for anyone else (an admin). */

export interface OrderRecord {
  id: string
  userId: string
  status: OrderStatus
  subtotal: number
  shippingFee: number
  total: number
  address: ShippingAddress
  payment: OrderPayment | null
  shipment: OrderShipment | null
  lines: Omit<OrderLine, 'lineTotal'>[]
  history: { status: OrderStatus; at: Date; reason: string | null }[]
  createdAt: Date
  expiresAt: Date
}

/** The address as the viewer may see it. */
export function addressFor(address: ShippingAddress, reveal: boolean): OrderAddress {
  if (reveal) return { ...address }
  return {
    recipient: maskName(address.recipient),
    phone: maskPhone(address.phone),
    postalCode: address.postalCode,
    address1: maskAddress(address.address1, address.address2),
  }
}

/** The API.md order view; `viewerId` decides whether the address is shown in clear. */
export function toOrderView(order: OrderRecord, viewerId: string): OrderView {
  const history: OrderHistoryEntry[] = order.history.map((h) => ({
    status: h.status,
    at: h.at.toISOString(),
    ...(h.reason ? { reason: h.reason } : {}),
  }))
  return {
    id: order.id,
    userId: order.userId,
    status: order.status,
    items: order.lines.map((l) => ({ ...l, lineTotal: l.unitPrice * l.quantity })),
    subtotal: order.subtotal,
    shippingFee: order.shippingFee,
    total: order.total,
    currency: 'KRW',
    shippingAddress: addressFor(order.address, order.userId === viewerId),
    ...(order.payment ? { payment: order.payment } : {}),
    ...(order.shipment ? { shipment: order.shipment } : {}),
    history,
    createdAt: order.createdAt.toISOString(),
    expiresAt: order.expiresAt.toISOString(),
  }
}
