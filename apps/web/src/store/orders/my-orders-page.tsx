import { useInfiniteQuery } from '@tanstack/react-query'
import { Link, Navigate } from 'react-router'
import { useAuth, useShop } from '../../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { Button, DateTime, ErrorNote, Loading, Money, PageTitle } from '../../ui/primitives.tsx'
import { myOrdersQuery } from './api.ts'
import { StatusBadge } from './status-badge.tsx'

export function MyOrdersPage() {
  const { status } = useAuth()
  const client = useShop()
  const orders = useInfiniteQuery({ ...myOrdersQuery(client), enabled: status === 'signedIn' })
  if (status === 'signedOut') return <Navigate to="/login?next=%2Forders" replace />
  const items = orders.data?.pages.flatMap((p) => p.items) ?? []
  return (
    <>
      <PageTitle title={ko.orders.title} />
      <h1>{ko.orders.title}</h1>
      {status === 'unknown' || orders.isPending ? (
        <Loading />
      ) : orders.isError ? (
        <ErrorNote message={messageFor(orders.error)} onRetry={() => orders.refetch()} />
      ) : items.length === 0 ? (
        <div className="empty">
          <p>{ko.orders.empty}</p>
          <Link to="/" className="btn btn-primary">
            {ko.cart.continue}
          </Link>
        </div>
      ) : (
        <>
          <ul className="order-list">
            {items.map((o) => (
              <li key={o.id}>
                <Link to={`/orders/${o.id}`} className="order-row">
                  <span className="order-row-main">
                    <span className="order-row-name">{ko.orders.itemsSummary(o.items[0]?.name ?? '', o.items.length - 1)}</span>
                    <span className="muted">
                      <DateTime at={o.createdAt} /> · {o.id.slice(0, 8).toUpperCase()}
                    </span>
                  </span>
                  <Money amount={o.total} />
                  <StatusBadge status={o.status} />
                </Link>
              </li>
            ))}
          </ul>
          {orders.hasNextPage && (
            <div className="more">
              <Button variant="secondary" onClick={() => orders.fetchNextPage()} pending={orders.isFetchingNextPage}>
                {ko.orders.more}
              </Button>
            </div>
          )}
        </>
      )}
    </>
  )
}
