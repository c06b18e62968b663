import type { OrderSummary } from '@shop/client'
import { describe, expect, it } from 'vitest'
import { chartRange, compactWon, shapeDashboard } from './shape.ts'

const zero = { PENDING_PAYMENT: 0, PAID: 0, SHIPPED: 0, DELIVERED: 0, CANCELLED: 0 }
const summary = (days: OrderSummary['days'], byStatus: OrderSummary['byStatus'] = zero): OrderSummary => ({
  byStatus,
  days,
  totals: { orders: days.reduce((s, d) => s + d.orders, 0), revenue: days.reduce((s, d) => s + d.revenue, 0), refunded: 0 },
})

describe('the dashboard data', () => {
  it('asks for the 14 days ending today, across a month boundary', () => {
    expect(chartRange('2026-12-04')).toEqual({ from: '2026-11-21', to: '2026-12-04' })
  })

  it('when the API leaves out quiet days, the chart still has all 14 days, oldest first, with zeros', () => {
    const shaped = shapeDashboard(
      summary([
        { date: '2026-12-04', orders: 3, paidOrders: 2, revenue: 54_000, refunded: 0 },
        { date: '2026-11-21', orders: 1, paidOrders: 1, revenue: 12_000, refunded: 2_000 },
      ]),
      '2026-12-04',
    )
    expect(shaped.days).toHaveLength(14)
    expect(shaped.days[0]).toEqual({ date: '2026-11-21', label: '11/21', orders: 1, paidOrders: 1, revenue: 12_000, refunded: 2_000 })
    expect(shaped.days[1]).toEqual({ date: '2026-11-22', label: '11/22', orders: 0, paidOrders: 0, revenue: 0, refunded: 0 })
    expect(shaped.days.map((d) => d.date)).toEqual([...shaped.days.map((d) => d.date)].sort())
    expect(shaped.today).toMatchObject({ date: '2026-12-04', orders: 3, revenue: 54_000 })
  })

  it('days outside the range are not drawn', () => {
    const shaped = shapeDashboard(summary([{ date: '2026-11-20', orders: 9, paidOrders: 9, revenue: 90_000, refunded: 0 }]), '2026-12-04')
    expect(shaped.days.reduce((s, d) => s + d.orders, 0)).toBe(0)
  })

  it('the status counts come in the order of the flow, whatever order the API used', () => {
    const shaped = shapeDashboard(summary([], { CANCELLED: 1, SHIPPED: 0, PAID: 4, DELIVERED: 0, PENDING_PAYMENT: 0 }), '2026-12-04')
    expect(shaped.byStatus).toEqual([
      { status: 'PENDING_PAYMENT', count: 0 },
      { status: 'PAID', count: 4 },
      { status: 'SHIPPED', count: 0 },
      { status: 'DELIVERED', count: 0 },
      { status: 'CANCELLED', count: 1 },
    ])
  })

  it('today with no orders yet is a zero day, not missing', () => {
    const shaped = shapeDashboard(summary([{ date: '2026-12-03', orders: 2, paidOrders: 2, revenue: 30_000, refunded: 0 }]), '2026-12-04')
    expect(shaped.today).toEqual({ date: '2026-12-04', label: '12/4', orders: 0, paidOrders: 0, revenue: 0, refunded: 0 })
  })

  it('axis amounts read as Koreans write them', () => {
    expect(compactWon(9_500)).toBe('9,500')
    expect(compactWon(12_000)).toBe('1.2만')
    expect(compactWon(3_500_000)).toBe('350만')
    expect(compactWon(150_000_000)).toBe('1.5억')
  })
})
