import { isApiError } from '@shop/client'
import { useQuery } from '@tanstack/react-query'
import { trackingQuery } from '../api/queries.ts'
import { useShop } from '../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { formatDateTime } from '@shop/storefront-core/format'
import { Body, Empty, ErrorNote, Heading, Loading, Panel, Row, Screen } from '../ui/kit.tsx'

/** A parcel by its tracking number: carrier, status and events, no personal data. */
export function TrackingScreen({ trackingNumber }: { trackingNumber: string }) {
  const client = useShop()
  const t = useQuery({ ...trackingQuery(client, trackingNumber), refetchInterval: (q) => (q.state.data?.status === 'DELIVERED' ? false : 30_000) })
  if (t.isPending) return <Loading />
  if (t.isError) {
    if (isApiError(t.error, 'not_found') || isApiError(t.error, 'validation_failed')) return <Empty message={ko.tracking.notFound} />
    return (
      <Screen>
        <ErrorNote message={messageFor(t.error)} onRetry={() => void t.refetch()} />
      </Screen>
    )
  }
  const d = t.data
  return (
    <Screen onRefresh={() => void t.refetch()} refreshing={t.isRefetching}>
      <Heading>{ko.tracking.title}</Heading>
      <Panel>
        <Row>
          <Body muted>{ko.order.trackingNumber}</Body>
          <Body>{d.trackingNumber}</Body>
        </Row>
        <Row>
          <Body muted>{ko.order.carrier}</Body>
          <Body>{ko.carriers[d.carrier] ?? d.carrier}</Body>
        </Row>
        <Row>
          <Body muted>{ko.order.status}</Body>
          <Body>{ko.order.shipmentStatuses[d.status] ?? d.status}</Body>
        </Row>
      </Panel>
      <Panel>
        <Heading level={2}>{ko.tracking.events}</Heading>
        {[...d.events].reverse().map((e, i) => (
          <Body key={`${e.status}-${e.at}-${i}`}>
            {ko.order.shipmentStatuses[e.status] ?? e.status} · {formatDateTime(e.at)}
            {e.location ? ` · ${e.location}` : ''}
          </Body>
        ))}
      </Panel>
    </Screen>
  )
}
