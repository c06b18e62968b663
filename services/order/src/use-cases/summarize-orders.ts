import { MAX_SUMMARY_DAYS, ORDER_STATUSES, type OrderStatus, type OrderSummary, type OrderSummaryDay } from '@shop/contracts/order'
import { ValidationFailed } from '@shop/platform/errors'
import type { OrderContext } from '../context.ts'
import { summarizeOrders as selectSummary } from '../data/summary.repository.ts'

const DAY_MS = 86_400_000

/** The Korea-time dates from `from` to `to`, both included (Korea keeps no daylight saving: a day is 24 h). */
function datesBetween(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`)
  const end = Date.parse(`${to}T00:00:00Z`)
  const out: string[] = []
  for (let t = start; t <= end; t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10))
  return out
}

/**
 * GET /orders/summary (admin): orders placed per Korea-time day from `from` to `to`, with
 * every day of the range present (a day without orders is zeros, so a chart has no gaps),
 * counts by current status, and totals. Revenue is what was captured for the orders placed
 * that day; refunded, what of it went back.
 */
export async function summarizeOrders(ctx: OrderContext, from: string, to: string): Promise<OrderSummary> {
  const days = datesBetween(from, to)
  if (days.length === 0) throw new ValidationFailed([{ path: 'to', message: 'must not be before from' }])
  if (days.length > MAX_SUMMARY_DAYS) throw new ValidationFailed([{ path: 'to', message: `at most ${MAX_SUMMARY_DAYS} days from from` }])
  const byDay = new Map<string, OrderSummaryDay>(days.map((date) => [date, { date, orders: 0, paidOrders: 0, revenue: 0, refunded: 0 }]))
  const byStatus = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0])) as Record<OrderStatus, number>
  const totals = { orders: 0, revenue: 0, refunded: 0 }
  for (const r of await selectSummary(ctx.pool, from, to)) {
    const d = byDay.get(r.day)
    if (!d) continue
    d.orders += r.orders
    d.paidOrders += r.paidOrders
    d.revenue += r.revenue
    d.refunded += r.refunded
    byStatus[r.status] += r.orders
    totals.orders += r.orders
    totals.revenue += r.revenue
    totals.refunded += r.refunded
  }
  return { byStatus, days: [...byDay.values()], totals }
}
