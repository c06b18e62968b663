import { isApiError, type Order } from '@shop/client'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useRouter } from 'expo-router'
import { useEffect, useState } from 'react'
import { Text, View } from 'react-native'
import { CANCELLABLE, orderQuery, TERMINAL } from '../api/queries.ts'
import { useAuth, useShop } from '../api/shop.tsx'
import { cancelOrder } from '@shop/storefront-core/orders'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { formatDateTime } from '@shop/storefront-core/format'
import { Body, Button, Empty, ErrorNote, Heading, LinkText, Loading, Money, Panel, Row, Screen, s } from '../ui/kit.tsx'
import { PaymentForm } from './payment-form.tsx'

export type LiveMode = 'stream' | 'poll' | 'off'

/**
 * Whether this platform's fetch can read an answer as a stream: browsers can, React
 * Native's fetch cannot (the client then polls). It mirrors the client's own test, so the
 * screen can say how it follows the order before the following ends.
 */
export const canStream = (): boolean => {
  try {
    return typeof new Response('').body?.getReader === 'function'
  } catch {
    return false
  }
}

/** Keeps the order's data current from its event stream, or by polling where the platform cannot stream. */
function useLiveOrder(id: string, enabled: boolean): { mode: LiveMode; failed: boolean } {
  const client = useShop()
  const qc = useQueryClient()
  const [mode, setMode] = useState<LiveMode>('off')
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    if (!enabled) return
    const ctrl = new AbortController()
    setMode(canStream() ? 'stream' : 'poll')
    client.orders
      .follow(id, (o) => qc.setQueryData(['order', id], o), ctrl.signal)
      .then((r) => !ctrl.signal.aborted && setMode(TERMINAL.has(r.last?.status ?? '') ? 'off' : r.via))
      // a shop without the event stream (or one refusing it) is asked again every few seconds instead
      .catch(() => {
        if (ctrl.signal.aborted) return
        setMode('poll')
        setFailed(true)
      })
    return () => ctrl.abort()
  }, [client, qc, id, enabled])
  return { mode, failed }
}

const LIVE_TEXT: Record<LiveMode, string> = { stream: '실시간 연결(SSE)로 상태를 받고 있어요.', poll: '몇 초마다 상태를 확인하고 있어요.', off: '' }

function CancelOrder({ order }: { order: Order }) {
  const client = useShop()
  const qc = useQueryClient()
  const [asking, setAsking] = useState(false)
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string>()
  const dispatched = order.shipment && order.shipment.status !== 'READY' && order.shipment.status !== 'CANCELLED'
  if (!CANCELLABLE.has(order.status) || dispatched) return null
  if (!asking) return <Button variant="danger" label={ko.order.cancel} onPress={() => setAsking(true)} />
  return (
    <View role="alert" style={{ gap: 8 }}>
      <Body>{ko.order.cancelConfirm}</Body>
      {error && <ErrorNote message={error} />}
      <Button
        variant="danger"
        label={ko.order.cancelYes}
        pending={pending}
        onPress={async () => {
          setPending(true)
          setError(undefined)
          try {
            await cancelOrder(client, qc, order.id)
            setAsking(false)
          } catch (err) {
            setError(messageFor(err, 'cancel'))
          } finally {
            setPending(false)
          }
        }}
      />
      <Button variant="secondary" label={ko.order.cancelNo} onPress={() => setAsking(false)} />
    </View>
  )
}

/** An order: its status changes by itself as the order moves on; lines, amounts, payment, shipment. */
export function OrderScreen({ id }: { id: string }) {
  const client = useShop()
  const auth = useAuth()
  const router = useRouter()
  const qc = useQueryClient()
  const signedIn = auth.status === 'signedIn'
  const order = useQuery({ ...orderQuery(client, id), enabled: signedIn })
  const settled = order.data ? TERMINAL.has(order.data.status) : false
  const { mode, failed } = useLiveOrder(id, signedIn && Boolean(order.data) && !settled)
  // the client polls by itself where fetch cannot stream; this stands in where the stream failed
  useQuery({ ...orderQuery(client, id), enabled: signedIn && failed && !settled, refetchInterval: 3000 })

  useEffect(() => {
    if (auth.status === 'signedOut') router.replace({ pathname: '/login', params: { next: `/orders/${id}` } })
  }, [auth.status, router, id])
  if (!signedIn || order.isPending) return <Loading />
  if (order.isError) {
    if (isApiError(order.error, 'not_found') || isApiError(order.error, 'validation_failed')) return <Empty message={ko.order.notFound} />
    return (
      <Screen>
        <ErrorNote message={messageFor(order.error)} onRetry={() => void order.refetch()} />
      </Screen>
    )
  }
  const o = order.data
  const a = o.shippingAddress
  return (
    <Screen onRefresh={() => void order.refetch()} refreshing={order.isRefetching}>
      <Heading>{ko.order.title}</Heading>
      <Panel>
        <Row>
          <Body muted>{ko.order.number}</Body>
          <Body>{o.id.slice(0, 8).toUpperCase()}</Body>
        </Row>
        <Row>
          <Body muted>{ko.order.placedAt}</Body>
          <Body>{formatDateTime(o.createdAt)}</Body>
        </Row>
        <Row>
          <Body muted>{ko.order.status}</Body>
          <Text style={s.moneyStrong} aria-live="polite" accessibilityLabel={`${ko.order.status} ${ko.order.statuses[o.status]}`} testID="order-status">
            {ko.order.statuses[o.status]}
          </Text>
        </Row>
        {mode !== 'off' && <Body muted>{LIVE_TEXT[mode]}</Body>}
        <CancelOrder order={o} />
      </Panel>
      {o.status === 'PENDING_PAYMENT' && (
        <Panel>
          <Heading level={2}>{ko.order.payNow}</Heading>
          <PaymentForm amount={o.total} prepare={async () => o} onPaid={() => void qc.invalidateQueries({ queryKey: ['order', o.id] })} />
        </Panel>
      )}
      <Panel>
        <Heading level={2}>{ko.order.items}</Heading>
        {o.items.map((i) => (
          <Row key={i.productId}>
            <Body>
              {i.name} × {i.quantity}
            </Body>
            <Money amount={i.lineTotal} />
          </Row>
        ))}
        <Row>
          <Body muted>{ko.order.subtotal}</Body>
          <Money amount={o.subtotal} />
        </Row>
        <Row>
          <Body muted>{ko.order.shippingFee}</Body>
          {o.shippingFee === 0 ? <Body>{ko.cart.free}</Body> : <Money amount={o.shippingFee} />}
        </Row>
        <Row>
          <Body>{ko.order.total}</Body>
          <Money amount={o.total} strong />
        </Row>
      </Panel>
      <Panel>
        <Heading level={2}>{ko.order.payment}</Heading>
        <Body>{o.payment ? (ko.order.paymentStatuses[o.payment.status] ?? o.payment.status) : ko.order.statuses.PENDING_PAYMENT}</Body>
        {o.payment?.refundedAmount ? (
          <Row>
            <Body muted>{ko.order.refunded}</Body>
            <Money amount={o.payment.refundedAmount} />
          </Row>
        ) : null}
      </Panel>
      <Panel>
        <Heading level={2}>{ko.order.shipment}</Heading>
        {o.shipment && <Body>{ko.order.shipmentStatuses[o.shipment.status] ?? o.shipment.status}</Body>}
        {o.shipment?.carrier && <Body>{ko.carriers[o.shipment.carrier] ?? o.shipment.carrier}</Body>}
        {o.shipment?.trackingNumber && (
          <LinkText label={`${ko.order.tracking} ${o.shipment.trackingNumber}`} onPress={() => router.push(`/tracking/${encodeURIComponent(o.shipment!.trackingNumber!)}`)} />
        )}
        <Body muted>
          {ko.order.shipTo}: {a.recipient} · {a.address1} {a.address2 ?? ''} ({a.postalCode})
        </Body>
      </Panel>
    </Screen>
  )
}
