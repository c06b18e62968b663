import type { OrderView } from '@shop/contracts/order'
import type { AuthUser } from '@shop/platform/auth'
import { withTransaction } from '@shop/platform/db'
import type { OrderContext } from '../context.ts'
import { lockOrder } from '../data/order.repository.ts'
import { ALREADY_CANCELLED, isIgnored } from '../domain/order-state.ts'
import { OrderNotCancellable, OrderNotFound } from '../order.errors.ts'
import { applyTransition } from './apply-transition.ts'
import { canSee, getOrder } from './get-order.ts'

/**
 * PUT /orders/:id/cancel (owner or admin): PENDING_PAYMENT or PAID → CANCELLED with
 * order.cancelled in the same transaction, on the row locked FOR UPDATE, so a cancel and
 * a payment landing together cannot both win. Shipped or delivered: 409 invalid_state.
 * An order already cancelled answers 200 with the order unchanged and no second event,
 * so a client may safely retry a cancel whose answer it lost.
 */
export async function cancelOrder(ctx: OrderContext, user: AuthUser, orderId: string, reason?: string): Promise<OrderView> {
  const changed = await withTransaction(ctx.pool, async (client) => {
    const order = await lockOrder(client, orderId)
    if (!order || !canSee(user, order)) throw new OrderNotFound(orderId)
    const why = reason ?? (order.userId === user.id ? 'customer_request' : 'admin_request')
    const r = await applyTransition(client, order, { type: 'cancel', reason: why })
    if (!isIgnored(r)) return true
    if (r.reason === ALREADY_CANCELLED) return false
    throw new OrderNotCancellable(orderId, r.reason)
  })
  if (changed) ctx.eventsCommitted()
  return getOrder(ctx, user, orderId)
}
