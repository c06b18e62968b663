import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { formatWon } from '@shop/storefront-core/format'
import { adminKo } from '../ko.ts'
import { longDate } from '../ui/kst.ts'
import { TableWrap } from '../ui/table.tsx'
import { type ChartDay, compactWon } from './shape.ts'

const t = adminKo.dashboard

/**
 * Revenue per day as bars and orders per day as a line. The chart is a picture for sighted
 * readers (hidden from screen readers and out of the tab order); the same figures follow
 * as a table for everyone.
 */
export function SalesChart({ days }: { days: ChartDay[] }) {
  return (
    <figure className="admin-chart">
      <figcaption className="muted">{t.chartDescription(longDate(days[0].date), longDate(days[days.length - 1].date))}</figcaption>
      <div className="admin-chart-canvas" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid stroke="#e3e7ee" vertical={false} />
            <XAxis dataKey="label" tick={{ fontSize: 12 }} interval="preserveStartEnd" />
            <YAxis yAxisId="won" tickFormatter={compactWon} tick={{ fontSize: 12 }} width={48} />
            <YAxis yAxisId="n" orientation="right" allowDecimals={false} tick={{ fontSize: 12 }} width={32} />
            <Tooltip
              formatter={(value, name) => (name === t.revenue ? formatWon(Number(value)) : `${Number(value)}건`)}
              labelFormatter={(_label, payload) => (payload?.[0] ? longDate((payload[0].payload as ChartDay).date) : '')}
            />
            <Legend />
            <Bar yAxisId="won" dataKey="revenue" name={t.revenue} fill="#1f6feb" radius={[4, 4, 0, 0]} isAnimationActive={false} />
            <Line yAxisId="n" dataKey="orders" name={t.orders} stroke="#d1242f" strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <details className="admin-chart-table">
        <summary>{t.tableCaption}</summary>
        <TableWrap label={t.tableCaption}>
          <table className="admin-table">
            <caption className="visually-hidden">{t.tableCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{t.date}</th>
                <th scope="col">{t.orders}</th>
                <th scope="col">{t.paidOrders}</th>
                <th scope="col">{t.revenue}</th>
                <th scope="col">{t.refunded}</th>
              </tr>
            </thead>
            <tbody>
              {days.map((d) => (
                <tr key={d.date}>
                  <th scope="row">{longDate(d.date)}</th>
                  <td>{d.orders}</td>
                  <td>{d.paidOrders}</td>
                  <td>{formatWon(d.revenue)}</td>
                  <td>{formatWon(d.refunded)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </details>
    </figure>
  )
}
