import type { OrderStatus, OrderSummary } from '@shop/client'
import { addDays, shortDate } from '../ui/kst.ts'

export const CHART_DAYS = 14
export const STATUSES: OrderStatus[] = ['PENDING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED']

export type ChartDay = { date: string; label: string; orders: number; paidOrders: number; revenue: number; refunded: number }
export type Dashboard = {
  days: ChartDay[]
  today: ChartDay
  byStatus: { status: OrderStatus; count: number }[]
  totals: { orders: number; revenue: number; refunded: number }
}

/** The summary's date range for a chart of `n` days ending today (Korea time). */
export function chartRange(today: string, n = CHART_DAYS): { from: string; to: string } {
  return { from: addDays(today, -(n - 1)), to: today }
}

/**
 * What the dashboard draws from the summary: one entry per day of the range, oldest first,
 * zero on days without orders (the API may leave them out), today's figures, and a count
 * for every status (zero when the API has none).
 */
export function shapeDashboard(summary: OrderSummary, today: string, n = CHART_DAYS): Dashboard {
  const byDate = new Map(summary.days.map((d) => [d.date, d]))
  const { from } = chartRange(today, n)
  const days: ChartDay[] = []
  for (let i = 0; i < n; i++) {
    const date = addDays(from, i)
    const d = byDate.get(date)
    days.push({
      date,
      label: shortDate(date),
      orders: d?.orders ?? 0,
      paidOrders: d?.paidOrders ?? 0,
      revenue: d?.revenue ?? 0,
      refunded: d?.refunded ?? 0,
    })
  }
  return {
    days,
    today: days[days.length - 1],
    byStatus: STATUSES.map((status) => ({ status, count: summary.byStatus[status] ?? 0 })),
    totals: summary.totals,
  }
}

/** An axis label for an amount of won: 1.2만, 350만, 1.5억. */
export function compactWon(amount: number): string {
  if (amount >= 100_000_000) return `${trim(amount / 100_000_000)}억`
  if (amount >= 10_000) return `${trim(amount / 10_000)}만`
  return amount.toLocaleString('ko-KR')
}
const trim = (n: number) => (n >= 100 ? Math.round(n).toString() : (Math.round(n * 10) / 10).toString())
