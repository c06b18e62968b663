import type { OrderPayment, OrderShipment, OrderStatus } from '@shop/contracts/order'
import type { PoolClient, Queryable } from '@shop/platform/db'
import type { OrderCursor } from '../domain/cursor.ts'
import type { HistoryEntry, OrderState } from '../domain/order-state.ts'
import type { OrderRecord } from '../domain/order-view.ts'

/** Orders, their lines and history: SQL in, plain objects out. */

/** An order as stored: the address still sealed. */
export type StoredOrder = Omit<OrderRecord, 'address'> & { addressEnc: string; cursor: OrderCursor }

/** What a transition needs, read under the row lock. */
export interface LockedOrder extends OrderState {
  id: string
  userId: string
}

export interface NewOrder {
  id: string
  userId: string
  subtotal: number
  shippingFee: number
  total: number
  addressEnc: string
  paymentWindowSeconds: number
  lines: { productId: string; name: string; unitPrice: number; quantity: number }[]
}

interface OrderRow {
  id: string
  user_id: string
  status: OrderStatus
  subtotal: number
  shipping_fee: number
  total: number
  address_enc: string
  payment: OrderPayment | null
  shipment: OrderShipment | null
  created_at: Date
  cursor_at: string
  expires_at: Date
}

const ORDER_COLUMNS = `id, user_id, status, subtotal, shipping_fee, total, address_enc, payment, shipment, created_at,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at, expires_at`

/** Inserts the order (PENDING_PAYMENT, payable for the window), its lines and its first history line. */
export async function insertOrder(client: PoolClient, o: NewOrder): Promise<void> {
  await client.query(
    `INSERT INTO orders (id, user_id, status, subtotal, shipping_fee, total, address_enc, expires_at)
     VALUES ($1, $2, 'PENDING_PAYMENT', $3, $4, $5, $6, now() + make_interval(secs => $7))`,
    [o.id, o.userId, o.subtotal, o.shippingFee, o.total, o.addressEnc, o.paymentWindowSeconds],
  )
  await client.query(
    `INSERT INTO order_lines (order_id, line_no, product_id, name, unit_price, quantity)
     SELECT $1, l.n, l.product_id, l.name, l.unit_price, l.quantity
       FROM unnest($2::uuid[], $3::text[], $4::bigint[], $5::int[]) WITH ORDINALITY
            AS l(product_id, name, unit_price, quantity, n)`,
    [o.id, o.lines.map((l) => l.productId), o.lines.map((l) => l.name), o.lines.map((l) => l.unitPrice), o.lines.map((l) => l.quantity)],
  )
  await appendHistory(client, o.id, { status: 'PENDING_PAYMENT' })
}

/** Adds a line to the order's public history. */
export async function appendHistory(client: Queryable, orderId: string, entry: HistoryEntry): Promise<void> {
  await client.query('INSERT INTO order_history (order_id, status, reason) VALUES ($1, $2, $3)', [
    orderId,
    entry.status,
    entry.reason ?? null,
  ])
}

const toLocked = (r: OrderRow): LockedOrder => ({
  id: r.id,
  userId: r.user_id,
  status: r.status,
  total: r.total,
  payment: r.payment,
  shipment: r.shipment,
})

/** Reads and locks the order's state for a transition; null when there is no such order. */
export async function lockOrder(client: PoolClient, orderId: string): Promise<LockedOrder | null> {
  const { rows } = await client.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 FOR UPDATE`, [orderId])
  return rows[0] ? toLocked(rows[0]) : null
}

/**
 * Locks up to `limit` unpaid orders past their expiry, skipping rows another sweeper
 * (or an event handler) holds, so replicas share the work and never cancel twice.
 */
export async function lockExpiredOrders(client: PoolClient, limit: number): Promise<LockedOrder[]> {
  const { rows } = await client.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM orders
      WHERE status = 'PENDING_PAYMENT' AND expires_at <= now()
      ORDER BY expires_at
      LIMIT $1
      FOR UPDATE SKIP LOCKED`,
    [limit],
  )
  return rows.map(toLocked)
}

/**
 * Writes a transition's next state, only while the order is still in `from`: a second
 * writer that raced past the lock cannot apply a transition computed from a stale state.
 */
export async function saveOrderState(client: PoolClient, orderId: string, from: OrderStatus, next: OrderState): Promise<boolean> {
  const { rowCount } = await client.query(
    `UPDATE orders SET status = $3, payment = $4::jsonb, shipment = $5::jsonb, updated_at = now()
      WHERE id = $1 AND status = $2`,
    [orderId, from, next.status, next.payment ? JSON.stringify(next.payment) : null, next.shipment ? JSON.stringify(next.shipment) : null],
  )
  return rowCount === 1
}

/** One order with its lines and history, or null. */
export async function findOrder(q: Queryable, orderId: string): Promise<StoredOrder | null> {
  const { rows } = await q.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [orderId])
  if (!rows[0]) return null
  return (await withDetails(q, rows))[0]
}

export interface OrderFilter {
  /** Only this user's orders (a customer's own; an admin's userId filter). */
  userId?: string
  status?: OrderStatus
  after?: OrderCursor
  limit: number
}

/** A page of orders, newest first, strictly after the cursor; one more row than asked tells if there is a next page. */
export async function listOrders(q: Queryable, f: OrderFilter): Promise<{ orders: StoredOrder[]; more: boolean }> {
  const where: string[] = []
  const params: unknown[] = []
  if (f.userId) {
    params.push(f.userId)
    where.push(`user_id = $${params.length}`)
  }
  if (f.status) {
    params.push(f.status)
    where.push(`status = $${params.length}`)
  }
  if (f.after) {
    params.push(f.after.createdAt, f.after.id)
    where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`)
  }
  params.push(f.limit + 1)
  const { rows } = await q.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM orders ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
    params,
  )
  const more = rows.length > f.limit
  return { orders: await withDetails(q, rows.slice(0, f.limit)), more }
}

/** Attaches lines and history to order rows with two queries for the whole page. */
async function withDetails(q: Queryable, rows: OrderRow[]): Promise<StoredOrder[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const [lines, history] = await Promise.all([
    q.query<{ order_id: string; product_id: string; name: string; unit_price: number; quantity: number }>(
      `SELECT order_id, product_id, name, unit_price, quantity FROM order_lines
        WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, line_no`,
      [ids],
    ),
    q.query<{ order_id: string; status: OrderStatus; reason: string | null; at: Date }>(
      'SELECT order_id, status, reason, at FROM order_history WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, id',
      [ids],
    ),
  ])
  const group = <T extends { order_id: string }>(items: T[]) => {
    const m = new Map<string, T[]>()
    for (const it of items) {
      const list = m.get(it.order_id)
      if (list) list.push(it)
      else m.set(it.order_id, [it])
    }
    return m
  }
  const linesBy = group(lines.rows)
  const historyBy = group(history.rows)
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    status: r.status,
    subtotal: r.subtotal,
    shippingFee: r.shipping_fee,
    total: r.total,
    addressEnc: r.address_enc,
    payment: r.payment,
    shipment: r.shipment,
    lines: (linesBy.get(r.id) ?? []).map((l) => ({ productId: l.product_id, name: l.name, unitPrice: l.unit_price, quantity: l.quantity })),
    history: (historyBy.get(r.id) ?? []).map((h) => ({ status: h.status, at: h.at, reason: h.reason })),
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    cursor: { createdAt: r.cursor_at, id: r.id },
  }))
}
