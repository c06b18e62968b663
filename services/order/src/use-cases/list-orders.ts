import type { OrderList, OrderListQuery } from '@shop/contracts/order'
import { type AuthUser, isAdmin } from '@shop/platform/auth'
import type { OrderContext } from '../context.ts'
import { listOrders as selectOrders } from '../data/order.repository.ts'
import { decodeCursor, encodeCursor, InvalidCursor, type OrderCursor } from '../domain/cursor.ts'
import { invalidCursor } from '../order.errors.ts'
import { viewOf } from './get-order.ts'

/** The instant a Korea-time date (plus `days`) begins: Korea is UTC+9 all year. */
export const koreaMidnight = (date: string, days = 0): Date => new Date(Date.parse(`${date}T00:00:00+09:00`) + days * 86_400_000)

/** The first and last uuid that start with `prefix` (hex digits; dashes are ignored). */
export function idRange(prefix: string): [string, string] {
  const hex = prefix.replace(/-/g, '').toLowerCase().slice(0, 32)
  const uuid = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
  return [uuid(hex.padEnd(32, '0')), uuid(hex.padEnd(32, 'f'))]
}

/**
 * GET /orders, newest first; status, from, to and q narrow the list for anyone, and a
 * customer's filters only ever apply within their own orders. A customer sees only their own orders (a userId filter
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
  const ids = query.q ? idRange(query.q) : undefined
  const { orders, more } = await selectOrders(ctx.pool, {
    userId: admin ? query.userId : user.id,
    status: query.status,
    since: query.from ? koreaMidnight(query.from) : undefined,
    before: query.to ? koreaMidnight(query.to, 1) : undefined,
    idFrom: ids?.[0],
    idTo: ids?.[1],
    after,
    limit: query.limit,
  })
  const last = orders[orders.length - 1]
  return {
    items: orders.map((o) => viewOf(ctx, o, user)),
    nextCursor: more && last ? encodeCursor(last.cursor) : null,
  }
}
