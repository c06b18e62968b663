import { useQuery } from '@tanstack/react-query'
import { lazy, Suspense, useMemo } from 'react'
import { Link } from 'react-router'
import { useShop } from '../../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { ErrorNote, Loading, Money, PageTitle } from '../../ui/primitives.tsx'
import { adminKo } from '../ko.ts'
import { kstDate } from '../ui/kst.ts'
import { auditQuery, LOW_STOCK, lowStockQuery, summaryQuery, waitingQuery } from './api.ts'
import { shapeDashboard } from './shape.ts'

const t = adminKo.dashboard
// the chart library is the console's largest part: only the dashboard loads it
const SalesChart = lazy(() => import('./sales-chart.tsx').then((m) => ({ default: m.SalesChart })))

export function DashboardPage() {
  const client = useShop()
  const today = kstDate()
  const summary = useQuery(summaryQuery(client, today))
  const shaped = useMemo(() => (summary.data ? shapeDashboard(summary.data, today) : null), [summary.data, today])
  return (
    <>
      <PageTitle title={`${t.title} | ${adminKo.consoleName}`} />
      <h1>{t.title}</h1>
      {summary.isPending && <Loading />}
      {summary.isError && <ErrorNote message={messageFor(summary.error)} onRetry={() => void summary.refetch()} />}
      {shaped && (
        <>
          <section aria-labelledby="today-heading" className="admin-cards">
            <h2 id="today-heading" className="visually-hidden">
              {t.today}
            </h2>
            <div className="admin-card">
              <p className="admin-card-label">{t.todayOrders}</p>
              <p className="admin-card-figure">{shaped.today.orders.toLocaleString('ko-KR')}건</p>
            </div>
            <div className="admin-card">
              <p className="admin-card-label">{t.todayRevenue}</p>
              <p className="admin-card-figure">
                <Money amount={shaped.today.revenue} />
              </p>
            </div>
            <div className="admin-card">
              <p className="admin-card-label">{t.todayRefunded}</p>
              <p className="admin-card-figure">
                <Money amount={shaped.today.refunded} />
              </p>
            </div>
            <WaitingCard />
          </section>
          <section aria-labelledby="chart-heading" className="panel">
            <h2 id="chart-heading">{t.chartTitle}</h2>
            <Suspense fallback={<Loading />}>
              <SalesChart days={shaped.days} />
            </Suspense>
          </section>
          <section aria-labelledby="status-heading" className="panel">
            <h2 id="status-heading">{t.byStatus}</h2>
            <ul className="admin-status-counts">
              {shaped.byStatus.map((s) => (
                <li key={s.status}>
                  <Link to={`/admin/orders?status=${s.status}`}>
                    <span>{ko.order.statuses[s.status]}</span> <strong>{s.count.toLocaleString('ko-KR')}</strong>
                  </Link>
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
      <div className="admin-two-col">
        <LowStock />
        <AuditVerdict />
      </div>
    </>
  )
}

function WaitingCard() {
  const client = useShop()
  const q = useQuery(waitingQuery(client))
  return (
    <div className="admin-card">
      <p className="admin-card-label">{t.waitingToShip}</p>
      <p className="admin-card-figure">{q.data ? t.waitingCount(q.data.items.length, Boolean(q.data.nextCursor)) : q.isError ? '—' : '…'}</p>
      <Link to="/admin/shipments">{t.toShipments}</Link>
    </div>
  )
}

function LowStock() {
  const client = useShop()
  const q = useQuery(lowStockQuery(client))
  return (
    <section aria-labelledby="low-heading" className="panel">
      <h2 id="low-heading">{t.lowStock}</h2>
      <p className="muted">{t.lowStockHint(LOW_STOCK)}</p>
      {q.isPending && <Loading />}
      {q.isError && <ErrorNote message={messageFor(q.error)} onRetry={() => void q.refetch()} />}
      {q.data && q.data.length === 0 && <p>{t.noLowStock}</p>}
      {q.data && q.data.length > 0 && (
        <ul className="admin-plain-list">
          {q.data.slice(0, 10).map((p) => (
            <li key={p.id}>
              <Link to={`/admin/products/${p.id}`}>{p.name}</Link>{' '}
              <span className={p.stock.available === 0 ? 'admin-tag admin-tag-bad' : 'admin-tag admin-tag-warn'}>
                {p.stock.available === 0 ? adminKo.products.soldOut : `${p.stock.available}개`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function AuditVerdict() {
  const client = useShop()
  const q = useQuery(auditQuery(client))
  const bad = q.data?.checks.filter((c) => !c.ok).length ?? 0
  return (
    <section aria-labelledby="audit-heading" className="panel">
      <h2 id="audit-heading">{t.audit}</h2>
      {q.isPending && <Loading />}
      {q.isError && <ErrorNote message={messageFor(q.error)} onRetry={() => void q.refetch()} />}
      {q.data && <p className={q.data.ok ? 'admin-verdict admin-verdict-ok' : 'admin-verdict admin-verdict-bad'}>{q.data.ok ? t.auditOk : t.auditBad(bad)}</p>}
      <Link to="/admin/operations">{t.toReport}</Link>
    </section>
  )
}
