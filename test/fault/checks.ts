import { testAmqpUrl } from '@shop/platform/testing'
import amqp from 'amqplib'
import type { FaultShop, ProductRef } from './harness.ts'
import type { OrderRecord, StreamResult } from './stream.ts'

/**
 * What the stream recorded, checked against each service's own database (read-only):
 * every order in the state its story ends in, money captured at most once and kept
 * exactly as the story says (the PG simulator's ledger is the bank), stock conserved,
 * a shipment exactly for the paid orders. Each failure is one readable line.
 */

const CONSUMERS = ['product', 'order', 'payment', 'shipping']
const PUBLISHERS = ['auth', 'product', 'order', 'payment', 'shipping'] as const
const RETRY_DELAYS = [200, 1000, 5000, 15000]

const byId = <T extends { order_id: string }>(rows: T[]) => new Map(rows.map((r) => [r.order_id, r]))

const ORDERS_SQL = 'SELECT id AS order_id, status, total FROM orders WHERE id = ANY($1::uuid[])'
const UNPAID_SQL = "SELECT count(*)::int AS n FROM orders WHERE status = 'PENDING_PAYMENT'"
const CHARGES_SQL = `SELECT order_id, transaction_id, amount FROM pg_simulator_ledger
  WHERE kind = 'charge' AND outcome = 'approved' AND order_id = ANY($1::text[])`
const CANCELS_SQL = `SELECT transaction_id, sum(amount)::bigint AS amount FROM pg_simulator_ledger
  WHERE kind = 'cancel' AND outcome = 'approved' AND transaction_id = ANY($1::text[]) GROUP BY transaction_id`
const PAYMENTS_SQL = `SELECT p.order_id, p.status, p.amount, p.refunded_amount,
    (SELECT count(*)::int FROM payment_attempts a WHERE a.payment_id = p.id AND a.status = 'APPROVED') AS approved
  FROM payments p WHERE p.order_id = ANY($1::uuid[])`
const UNSETTLED_SQL = `SELECT (SELECT count(*)::int FROM payments WHERE status = 'PROCESSING') AS processing,
  (SELECT count(*)::int FROM refunds WHERE status = 'PENDING') AS refunds`
const STOCK_SQL = `SELECT i.product_id, i.on_hand, i.reserved,
    coalesce(sum(ri.quantity) FILTER (WHERE r.status = 'COMMITTED'), 0)::int AS committed,
    coalesce(sum(ri.quantity) FILTER (WHERE r.status = 'ACTIVE'), 0)::int AS active
  FROM inventory i
  LEFT JOIN reservation_items ri ON ri.product_id = i.product_id
  LEFT JOIN reservations r ON r.id = ri.reservation_id
  WHERE i.product_id = ANY($1::uuid[])
  GROUP BY i.product_id, i.on_hand, i.reserved`
const ACTIVE_SQL = "SELECT order_id FROM reservations WHERE status = 'ACTIVE'"
const SHIPMENTS_SQL = 'SELECT order_id, status FROM shipments WHERE order_id = ANY($1::uuid[])'

async function checkOrders(fs: FaultShop, orders: OrderRecord[], out: string[]): Promise<void> {
  const found = byId(await fs.query<{ order_id: string; status: string; total: number }>('order', ORDERS_SQL, [orders.map((o) => o.id)]))
  for (const o of orders) {
    const row = found.get(o.id)
    if (!row) out.push(`order ${o.id} (${o.plan}) is missing`)
    else if (row.status !== o.expected) out.push(`order ${o.id} (${o.plan}) is ${row.status}, expected ${o.expected}`)
    else if (row.total !== o.total) out.push(`order ${o.id} total ${row.total}, the customer was told ${o.total}`)
  }
  const [unpaid] = await fs.query<{ n: number }>('order', UNPAID_SQL)
  if (unpaid.n > 0) out.push(`${unpaid.n} orders are still PENDING_PAYMENT`)
}

async function checkMoney(fs: FaultShop, orders: OrderRecord[], out: string[]): Promise<void> {
  const ids = orders.map((o) => o.id)
  const charges = await fs.query<{ order_id: string; transaction_id: string; amount: number }>('payment', CHARGES_SQL, [ids])
  const cancels = await fs.query<{ transaction_id: string; amount: number }>('payment', CANCELS_SQL, [charges.map((c) => c.transaction_id)])
  type PaymentRow = { order_id: string; status: string; amount: number; refunded_amount: number; approved: number }
  const payments = byId(await fs.query<PaymentRow>('payment', PAYMENTS_SQL, [ids]))
  const cancelled = new Map(cancels.map((c) => [c.transaction_id, c.amount]))
  for (const o of orders) {
    const mine = charges.filter((c) => c.order_id === o.id)
    if (mine.length > 1) out.push(`order ${o.id} (${o.plan}) was charged ${mine.length} times by the PG`)
    const bank = mine.reduce((s, c) => s + c.amount - (cancelled.get(c.transaction_id) ?? 0), 0)
    if (bank !== o.net) out.push(`order ${o.id} (${o.plan}): the PG holds ${bank} KRW, expected ${o.net}`)
    const p = payments.get(o.id)
    if (p && p.approved > 1) out.push(`payment of order ${o.id} has ${p.approved} approved attempts`)
    const books = p && ['COMPLETED', 'PARTIALLY_REFUNDED', 'REFUNDED'].includes(p.status) ? p.amount - p.refunded_amount : 0
    if (books !== bank) out.push(`order ${o.id} (${o.plan}): payment says ${books} KRW kept (${p?.status}), the PG ${bank}`)
  }
  const [open] = await fs.query<{ processing: number; refunds: number }>('payment', UNSETTLED_SQL)
  if (open.processing || open.refunds) out.push(`payments unsettled: ${open.processing} PROCESSING, ${open.refunds} refunds PENDING`)
}

async function checkStock(fs: FaultShop, orders: OrderRecord[], products: ProductRef[], out: string[]): Promise<void> {
  type StockRow = { product_id: string; on_hand: number; reserved: number; committed: number; active: number }
  const rows = await fs.query<StockRow>('product', STOCK_SQL, [products.map((p) => p.id)])
  const sold = new Map<string, number>()
  for (const o of orders) {
    if (o.expected !== 'PAID' && o.expected !== 'SHIPPED' && o.expected !== 'DELIVERED') continue
    for (const l of o.lines) sold.set(l.productId, (sold.get(l.productId) ?? 0) + l.quantity)
  }
  for (const p of products) {
    const row = rows.find((r) => r.product_id === p.id)
    if (!row) {
      out.push(`product ${p.id} has no inventory row`)
      continue
    }
    const figures = `on hand ${row.on_hand}, reserved ${row.reserved}, committed ${row.committed}, active reservations ${row.active}`
    if (row.on_hand + row.committed !== p.initialStock) out.push(`product ${p.id}: ${figures}; on hand + committed ≠ initial ${p.initialStock}`)
    if (row.reserved !== row.active) out.push(`product ${p.id}: ${figures}; reserved ≠ active reservations`)
    if (row.committed !== (sold.get(p.id) ?? 0)) out.push(`product ${p.id}: ${figures}; the stream sold ${sold.get(p.id) ?? 0}`)
  }
  // A reservation still ACTIVE for an order that exists: its payment or cancel never reached product.
  const known = new Set(orders.map((o) => o.id))
  for (const r of await fs.query<{ order_id: string }>('product', ACTIVE_SQL)) {
    if (known.has(r.order_id)) out.push(`reservation of order ${r.order_id} is still ACTIVE`)
  }
}

async function checkShipments(fs: FaultShop, orders: OrderRecord[], out: string[]): Promise<void> {
  const rows = byId(await fs.query<{ order_id: string; status: string }>('shipping', SHIPMENTS_SQL, [orders.map((o) => o.id)]))
  const want: Record<OrderRecord['expected'], string[]> = {
    PENDING_PAYMENT: ['none'],
    PAID: ['READY'],
    SHIPPED: ['DISPATCHED'],
    DELIVERED: ['DELIVERED'],
    CANCELLED: ['none', 'CANCELLED'],
  }
  for (const o of orders) {
    const status = rows.get(o.id)?.status ?? 'none'
    if (!want[o.expected].includes(status)) out.push(`order ${o.id} (${o.plan}, ${o.expected}): shipment ${status}`)
  }
}

/** Unpublished outbox rows per service and messages waiting in this shop's queues (dead letters apart). */
export async function backlog(fs: FaultShop): Promise<{ outbox: Record<string, number>; queued: Record<string, number>; dlq: Record<string, number> }> {
  const outbox: Record<string, number> = {}
  for (const db of PUBLISHERS) {
    outbox[db] = (await fs.query<{ n: number }>(db, 'SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL'))[0].n
  }
  const queued: Record<string, number> = {}
  const dlq: Record<string, number> = {}
  const prefix = fs.shop.env.AMQP_PREFIX ?? ''
  const conn = await amqp.connect(testAmqpUrl())
  try {
    const depth = async (queue: string) => {
      const ch = await conn.createChannel()
      ch.on('error', () => {})
      try {
        return (await ch.checkQueue(`${prefix}${queue}`)).messageCount
      } catch {
        return 0 // not declared (yet): nothing waits in it
      } finally {
        await ch.close().catch(() => {})
      }
    }
    for (const s of CONSUMERS) {
      queued[s] = await depth(`${s}.events`)
      for (const ms of RETRY_DELAYS) queued[s] += await depth(`${s}.retry.${ms}ms`)
      dlq[s] = await depth(`${s}.dlq`)
    }
  } finally {
    await conn.close().catch(() => {})
  }
  return { outbox, queued, dlq }
}

/** Every way the shop's data disagrees with what the stream recorded; empty when consistent. */
export async function checkStream(fs: FaultShop, stream: StreamResult, products: ProductRef[]): Promise<string[]> {
  const out: string[] = []
  await checkOrders(fs, stream.orders, out)
  await checkMoney(fs, stream.orders, out)
  await checkStock(fs, stream.orders, products, out)
  await checkShipments(fs, stream.orders, out)
  return out
}
