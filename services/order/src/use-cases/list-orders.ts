import type { OrderList, OrderListQuery } from '@shop/contracts/order'
import { type AuthUser, isAdmin } from '@shop/platform/auth'
import type { OrderContext } from '../context.ts'
import { listOrders as selectOrders } from '../data/order.repository.ts'
import { decodeCursor, encodeCursor, InvalidCursor, type OrderCursor } from '../domain/cursor.ts'
import { invalidCursor } from '../order.errors.ts'
import { viewOf } from './get-order.ts'

/**
 * GET /orders, newest first. A customer sees only their own orders (a userId filter
 * naming someone else finds nothing); an admin sees everyone's, or one user's.
 */
export async function listOrders(ctx: OrderContext, user: AuthUser, query: OrderListQuery): Promise<OrderList> {
  let after: OrderCursor | undefined
  if (query.cursor) {
    try {
      after = decodeCursor(query.cursor)
    } catch (err) {
      if (err instanceof InvalidCursor) throw invalidCursor()
      throw err
    }
  }
  const admin = isAdmin(user)
  if (!admin && query.userId && query.userId !== user.id) return { items: [], nextCursor: null }
  const { orders, more } = await selectOrders(ctx.pool, {
    userId: admin ? query.userId : user.id,
    status: query.status,
    after,
    limit: query.limit,
  })
  const last = orders[orders.length - 1]
  return {
    items: orders.map((o) => viewOf(ctx, o, user)),
    nextCursor: more && last ? encodeCursor(last.cursor) : null,
  }
}
