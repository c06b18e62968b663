import type { OrderStatus } from '@shop/contracts/order'
import type { Queryable } from '@shop/platform/db'

/** Read-only SQL behind GET /internal/audit: each order as the auditor checks it. */

export interface OrderFacts {
  id: string
  status: OrderStatus
  total: number
  createdAt: string
  expiresAt: string
  /** When the order entered its current status (its last history line). */
  statusAt: string
  history: { status: string; at: string }[]
  /** What the order learnt from payment and shipping events. */
  payment: { status: string; paymentId: string } | null
  shipment: { status: string } | null
  items: { productId: string; quantity: number }[]
}

interface Row {
  id: string
  status: OrderStatus
  total: number
  created_at: Date
  expires_at: Date
  payment: { status: string; paymentId: string } | null
  shipment: { status: string } | null
}

/** A page of orders by id after `after`, with their lines and status history. */
export async function orderFacts(db: Queryable, after: string | undefined, limit: number): Promise<OrderFacts[]> {
  const { rows } = await db.query<Row>(
    `SELECT id, status, total, created_at, expires_at, payment, shipment FROM orders
      WHERE $1::uuid IS NULL OR id > $1::uuid ORDER BY id LIMIT $2`,
    [after ?? null, limit],
  )
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const [lines, history] = await Promise.all([
    db.query<{ order_id: string; product_id: string; quantity: number }>(
      'SELECT order_id, product_id, quantity FROM order_lines WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, line_no',
      [ids],
    ),
    db.query<{ order_id: string; status: string; at: Date }>(
      'SELECT order_id, status, at FROM order_history WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, id',
      [ids],
    ),
  ])
  const linesOf = groupBy(lines.rows)
  const historyOf = groupBy(history.rows)
  return rows.map((r) => {
    const h = (historyOf.get(r.id) ?? []).map((e) => ({ status: e.status, at: e.at.toISOString() }))
    return {
      id: r.id,
      status: r.status,
      total: r.total,
      createdAt: r.created_at.toISOString(),
      expiresAt: r.expires_at.toISOString(),
      statusAt: h.length ? h[h.length - 1].at : r.created_at.toISOString(),
      history: h,
      payment: r.payment ? { status: r.payment.status, paymentId: r.payment.paymentId } : null,
      shipment: r.shipment ? { status: r.shipment.status } : null,
      items: (linesOf.get(r.id) ?? []).map((l) => ({ productId: l.product_id, quantity: l.quantity })),
    }
  })
}

function groupBy<T extends { order_id: string }>(rows: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>()
  for (const row of rows) {
    const list = m.get(row.order_id)
    if (list) list.push(row)
    else m.set(row.order_id, [row])
  }
  return m
}
