import type { ShippingAddress } from '@shop/contracts'
import type { OrderView } from '@shop/contracts/order'
import { type AuthUser, isAdmin } from '@shop/platform/auth'
import type { Queryable } from '@shop/platform/db'
import type { OrderContext } from '../context.ts'
import { findOrder, type StoredOrder } from '../data/order.repository.ts'
import { toOrderView } from '../domain/order-view.ts'
import { OrderNotFound } from '../order.errors.ts'

/** Whether the user may see the order: its owner, or an admin. */
export const canSee = (user: AuthUser, order: { userId: string }): boolean => order.userId === user.id || isAdmin(user)

/** The stored order as `viewer` sees it, the sealed address opened. */
export function viewOf(ctx: OrderContext, order: StoredOrder, viewer: AuthUser): OrderView {
  const address = ctx.cipher.decryptJson<ShippingAddress>(order.addressEnc)
  return toOrderView({ ...order, address }, viewer.id)
}

/** GET /orders/:id: owner or admin; anyone else gets the same 404 as for an unknown id. */
export async function getOrder(ctx: OrderContext, user: AuthUser, orderId: string, q: Queryable = ctx.pool): Promise<OrderView> {
  const order = await findOrder(q, orderId)
  if (!order || !canSee(user, order)) throw new OrderNotFound(orderId)
  return viewOf(ctx, order, user)
}
