import type { AdminOrderQuery, OrderStatus } from '@shop/client'
import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { type FormEvent, useId, useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { useShop } from '../../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { Button, DateTime, ErrorNote, Loading, Money, Notice, PageTitle } from '../../ui/primitives.tsx'
import { STATUSES } from '../dashboard/shape.ts'
import { adminKo } from '../ko.ts'
import { TableWrap } from '../ui/table.tsx'
import { adminOrdersQuery, customerByEmailQuery } from './api.ts'

const t = adminKo.orders
const FILTERS = ['status', 'from', 'to', 'email', 'q', 'userId'] as const
type FilterValues = Record<(typeof FILTERS)[number], string>

export function OrdersPage() {
  const client = useShop()
  const [params, setParams] = useSearchParams()
  const f = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? ''])) as FilterValues
  // a customer's email becomes their id; the orders API filters by id
  const customer = useQuery({ ...customerByEmailQuery(client, f.email.trim()), enabled: Boolean(f.email.trim()) })
  const userId = f.userId || customer.data?.id
  const query: AdminOrderQuery = {
    ...(f.status ? { status: f.status as OrderStatus } : {}),
    ...(f.from ? { from: f.from } : {}),
    ...(f.to ? { to: f.to } : {}),
    ...(f.q.trim() ? { q: f.q.trim() } : {}),
    ...(userId ? { userId } : {}),
  }
  const waitingForCustomer = Boolean(f.email.trim()) && !f.userId && !customer.data
  const list = useInfiniteQuery({ ...adminOrdersQuery(client, query), enabled: !waitingForCustomer })
  const items = list.data?.pages.flatMap((p) => p.items) ?? []
  return (
    <>
      <PageTitle title={`${t.title} | ${adminKo.consoleName}`} />
      <h1>{t.title}</h1>
      <Filters
        key={params.toString()}
        initial={f}
        onApply={(v) => {
          const next = new URLSearchParams()
          for (const k of FILTERS) if (v[k].trim()) next.set(k, v[k].trim())
          setParams(next)
        }}
      />
      {customer.isPending && f.email.trim() && !f.userId && <Loading />}
      {customer.data === null && <Notice tone="warning">{t.customerNotFound}</Notice>}
      {customer.isError && <ErrorNote message={messageFor(customer.error)} />}
      {list.isLoading && <Loading />}
      {list.isError && <ErrorNote message={messageFor(list.error)} onRetry={() => void list.refetch()} />}
      {list.data && items.length === 0 && <p className="empty">{t.empty}</p>}
      {items.length > 0 && (
        <TableWrap label={t.table}>
          <table className="admin-table">
            <caption className="visually-hidden">{t.table}</caption>
            <thead>
              <tr>
                <th scope="col">{t.orderId}</th>
                <th scope="col">{t.placedAt}</th>
                <th scope="col">{t.status}</th>
                <th scope="col">{t.items}</th>
                <th scope="col">{t.total}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((o) => (
                <tr key={o.id}>
                  <th scope="row">
                    <Link to={`/admin/orders/${o.id}`} className="mono">
                      {o.id.slice(0, 8)}
                    </Link>
                  </th>
                  <td>
                    <DateTime at={o.createdAt} />
                  </td>
                  <td>
                    <span className={`status status-${o.status.toLowerCase()}`}>{ko.order.statuses[o.status]}</span>
                  </td>
                  <td>{ko.orders.itemsSummary(o.items[0]?.name ?? '', o.items.length - 1)}</td>
                  <td>
                    <Money amount={o.total} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {list.hasNextPage && (
        <Button variant="secondary" onClick={() => void list.fetchNextPage()} pending={list.isFetchingNextPage}>
          {adminKo.common.more}
        </Button>
      )}
    </>
  )
}

function Filters({ initial, onApply }: { initial: FilterValues; onApply: (v: FilterValues) => void }) {
  const [v, setV] = useState(initial)
  const id = useId()
  const submit = (e: FormEvent) => {
    e.preventDefault()
    // a new email replaces a customer picked by id (from the customers page)
    onApply(v.email !== initial.email ? { ...v, userId: '' } : v)
  }
  const input = (k: keyof FilterValues, label: string, type = 'text') => (
    <div className="field">
      <label htmlFor={`${id}-${k}`}>{label}</label>
      <input id={`${id}-${k}`} type={type} value={v[k]} onChange={(e) => setV({ ...v, [k]: e.target.value })} />
    </div>
  )
  return (
    <form role="search" aria-label={t.filters} className="admin-filters" onSubmit={submit}>
      <div className="field">
        <label htmlFor={`${id}-status`}>{t.status}</label>
        <select id={`${id}-status`} value={v.status} onChange={(e) => setV({ ...v, status: e.target.value })}>
          <option value="">{adminKo.common.all}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {ko.order.statuses[s]}
            </option>
          ))}
        </select>
      </div>
      {input('from', t.from, 'date')}
      {input('to', t.to, 'date')}
      {input('email', t.customer, 'email')}
      {input('q', t.orderId)}
      <Button type="submit">{adminKo.common.search}</Button>
    </form>
  )
}
