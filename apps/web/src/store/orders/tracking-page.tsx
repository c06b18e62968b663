import { isApiError } from '@shop/client'
import { useQuery } from '@tanstack/react-query'
import { useParams } from 'react-router'
import { useShop } from '../../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { DateTime, ErrorNote, Loading, PageTitle } from '../../ui/primitives.tsx'
import { NotFoundPage } from '../not-found-page.tsx'
import { trackingQuery } from './api.ts'

/** Public parcel tracking: carrier, status and events, nothing personal. */
export function TrackingPage() {
  const { trackingNumber = '' } = useParams()
  const client = useShop()
  const t = useQuery({ ...trackingQuery(client, trackingNumber), refetchInterval: (q) => (q.state.data?.status === 'DELIVERED' ? false : 30_000) })
  if (t.isPending) return <Loading />
  if (t.isError) {
    if (isApiError(t.error, 'not_found') || isApiError(t.error, 'validation_failed')) return <NotFoundPage title={ko.tracking.notFound} />
    return <ErrorNote message={messageFor(t.error)} onRetry={() => t.refetch()} />
  }
  const d = t.data
  return (
    <article>
      <PageTitle title={`${ko.tracking.title} ${d.trackingNumber}`} />
      <h1>{ko.tracking.title}</h1>
      <dl className="kv panel">
        <div>
          <dt>{ko.order.trackingNumber}</dt>
          <dd className="mono">{d.trackingNumber}</dd>
        </div>
        <div>
          <dt>{ko.order.carrier}</dt>
          <dd>{ko.carriers[d.carrier] ?? d.carrier}</dd>
        </div>
        <div>
          <dt>{ko.order.status}</dt>
          <dd data-testid="tracking-status">{ko.order.shipmentStatuses[d.status] ?? d.status}</dd>
        </div>
      </dl>
      <section className="panel" aria-labelledby="ev-h">
        <h2 id="ev-h">{ko.tracking.events}</h2>
        <ol className="timeline">
          {[...d.events].reverse().map((e, i) => (
            <li key={`${e.status}-${e.at}-${i}`}>
              <strong>{ko.order.shipmentStatuses[e.status] ?? e.status}</strong> <DateTime at={e.at} />
              {e.location && <span className="muted"> · {e.location}</span>}
            </li>
          ))}
        </ol>
      </section>
    </article>
  )
}
