import { isApiError, type Order } from '@shop/client'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { Link, Navigate, useParams } from 'react-router'
import { useAuth, useShop } from '../../api/shop.tsx'
import { cancelOrder } from '@shop/storefront-core/orders'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { Button, DateTime, ErrorNote, Loading, Money, PageTitle } from '../../ui/primitives.tsx'
import { PaymentForm } from '../checkout/payment-form.tsx'
import { NotFoundPage } from '../not-found-page.tsx'
import { CANCELLABLE, orderQuery, TERMINAL } from './api.ts'
import { StatusBadge } from './status-badge.tsx'

/** Keeps the order's query data current from its event stream; polls only when streaming fails. */
function useLiveOrder(id: string, enabled: boolean): 'stream' | 'poll' | 'off' {
  const client = useShop()
  const qc = useQueryClient()
  const [mode, setMode] = useState<'stream' | 'poll' | 'off'>('off')
  useEffect(() => {
    if (!enabled) return
    const ctrl = new AbortController()
    setMode('stream')
    client.orders
      .follow(id, (o) => qc.setQueryData(['order', id], o), ctrl.signal)
      .then((r) => !ctrl.signal.aborted && setMode(r.via === 'poll' ? 'poll' : 'off'))
      .catch(() => !ctrl.signal.aborted && setMode('poll'))
    return () => ctrl.abort()
  }, [client, qc, id, enabled])
  return mode
}

function CancelOrder({ order }: { order: Order }) {
  const client = useShop()
  const qc = useQueryClient()
  const [asking, setAsking] = useState(false)
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string>()
  const dispatched = order.shipment && order.shipment.status !== 'READY' && order.shipment.status !== 'CANCELLED'
  if (!CANCELLABLE.has(order.status) || dispatched) return null
  if (!asking) {
    return (
      <Button variant="secondary" className="btn-cancel" onClick={() => setAsking(true)}>
        {ko.order.cancel}
      </Button>
    )
  }
  return (
    <div role="alertdialog" aria-labelledby="cancel-q" className="confirm">
      <p id="cancel-q">{ko.order.cancelConfirm}</p>
      {error && <ErrorNote message={error} />}
      <div className="row">
        <Button
          variant="danger"
          pending={pending}
          autoFocus
          onClick={async () => {
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
        >
          {ko.order.cancelYes}
        </Button>
        <Button variant="secondary" onClick={() => setAsking(false)}>
          {ko.order.cancelNo}
        </Button>
      </div>
    </div>
  )
}

export function OrderPage() {
  const { id = '' } = useParams()
  const { status } = useAuth()
  const client = useShop()
  const qc = useQueryClient()
  const order = useQuery({ ...orderQuery(client, id), enabled: status === 'signedIn' })
  const settled = order.data ? TERMINAL.has(order.data.status) : false
  const mode = useLiveOrder(id, status === 'signedIn' && Boolean(order.data) && !settled)
  const paymentId = order.data?.payment?.paymentId
  // the payment's method and approval time, and the parcel from the moment it is made ready
  const payment = useQuery({ queryKey: ['payment', paymentId, order.data?.payment?.status], queryFn: () => client.payments.get(paymentId!), enabled: Boolean(paymentId) })
  const shipped = order.data && order.data.status !== 'PENDING_PAYMENT'
  const shipment = useQuery({
    queryKey: ['shipment', id, order.data?.status, order.data?.shipment?.status],
    queryFn: () => client.shipping.shipment(id).catch((err: unknown) => (isApiError(err, 'not_found') ? null : Promise.reject(err))),
    enabled: Boolean(shipped),
  })
  // the stream is the way to hear changes; polling stands in only where it failed
  useQuery({ ...orderQuery(client, id), enabled: mode === 'poll' && !settled, refetchInterval: 5000 })

  if (status === 'signedOut') return <Navigate to={`/login?next=${encodeURIComponent(`/orders/${id}`)}`} replace />
  if (status === 'unknown' || order.isPending) return <Loading />
  if (order.isError) {
    if (isApiError(order.error, 'not_found') || isApiError(order.error, 'validation_failed')) return <NotFoundPage title={ko.order.notFound} />
    return <ErrorNote message={messageFor(order.error)} onRetry={() => order.refetch()} />
  }
  const o = order.data
  const a = o.shippingAddress
  return (
    <article className="order-page">
      <PageTitle title={ko.order.title} />
      <h1>{ko.order.title}</h1>
      <div className="order-head panel">
        <dl className="kv">
          <div>
            <dt>{ko.order.number}</dt>
            <dd className="mono">{o.id.slice(0, 8).toUpperCase()}</dd>
          </div>
          <div>
            <dt>{ko.order.placedAt}</dt>
            <dd>
              <DateTime at={o.createdAt} />
            </dd>
          </div>
          <div>
            <dt>{ko.order.status}</dt>
            <dd aria-live="polite" aria-atomic="true" data-testid="order-status">
              <StatusBadge status={o.status} />
              {mode === 'stream' && <span className="live-dot" title={ko.order.live} aria-hidden="true" />}
            </dd>
          </div>
        </dl>
        <CancelOrder order={o} />
      </div>
      {o.status === 'PENDING_PAYMENT' && (
        <section className="panel" aria-labelledby="pay-h">
          <h2 id="pay-h">{ko.order.payNow}</h2>
          <p className="muted">{ko.order.payBy(new Date(o.expiresAt).toLocaleString('ko-KR', { timeZone: 'Asia/Seoul', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }))}</p>
          <PaymentForm amount={o.total} prepare={async () => o} onPaid={() => void qc.invalidateQueries({ queryKey: ['order', o.id] })} />
        </section>
      )}
      <section className="panel" aria-labelledby="items-h">
        <h2 id="items-h">{ko.order.items}</h2>
        <ul className="checkout-items">
          {o.items.map((i) => (
            <li key={i.productId}>
              <span>
                <Link to={`/products/${i.productId}`}>{i.name}</Link> × {i.quantity}
              </span>
              <Money amount={i.lineTotal} />
            </li>
          ))}
        </ul>
        <dl className="summary">
          <div>
            <dt>{ko.order.subtotal}</dt>
            <dd>
              <Money amount={o.subtotal} />
            </dd>
          </div>
          <div>
            <dt>{ko.order.shippingFee}</dt>
            <dd>{o.shippingFee === 0 ? ko.cart.free : <Money amount={o.shippingFee} />}</dd>
          </div>
          <div className="summary-total">
            <dt>{ko.order.total}</dt>
            <dd>
              <Money amount={o.total} />
            </dd>
          </div>
        </dl>
      </section>
      <div className="two-col">
        <section className="panel" aria-labelledby="pay-info-h">
          <h2 id="pay-info-h">{ko.order.payment}</h2>
          {o.payment ? (
            <dl className="kv">
              <div>
                <dt>{ko.order.paymentStatus}</dt>
                <dd>{ko.order.paymentStatuses[o.payment.status] ?? o.payment.status}</dd>
              </div>
              {payment.data?.method && (
                <div>
                  <dt>{ko.checkout.method}</dt>
                  <dd>{ko.checkout.methods[payment.data.method]}</dd>
                </div>
              )}
              {payment.data?.approvedAt && (
                <div>
                  <dt>{ko.order.approvedAt}</dt>
                  <dd>
                    <DateTime at={payment.data.approvedAt} />
                  </dd>
                </div>
              )}
              {o.payment.refundedAmount ? (
                <div>
                  <dt>{ko.order.refunded}</dt>
                  <dd>
                    <Money amount={o.payment.refundedAmount} />
                  </dd>
                </div>
              ) : null}
            </dl>
          ) : (
            <p className="muted">{ko.order.statuses.PENDING_PAYMENT}</p>
          )}
        </section>
        <section className="panel" aria-labelledby="ship-h">
          <h2 id="ship-h">{ko.order.shipment}</h2>
          <dl className="kv">
            {(shipment.data ?? o.shipment) && (
              <div>
                <dt>{ko.order.shipmentStatus}</dt>
                <dd data-testid="shipment-status">{ko.order.shipmentStatuses[(shipment.data ?? o.shipment)!.status] ?? (shipment.data ?? o.shipment)!.status}</dd>
              </div>
            )}
            {(shipment.data?.carrier ?? o.shipment?.carrier) && (
              <div>
                <dt>{ko.order.carrier}</dt>
                <dd>{ko.carriers[(shipment.data?.carrier ?? o.shipment?.carrier)!] ?? shipment.data?.carrier ?? o.shipment?.carrier}</dd>
              </div>
            )}
            {(shipment.data?.trackingNumber ?? o.shipment?.trackingNumber) && (
              <div>
                <dt>{ko.order.trackingNumber}</dt>
                <dd>
                  <Link to={`/tracking/${encodeURIComponent((shipment.data?.trackingNumber ?? o.shipment?.trackingNumber)!)}`}>{shipment.data?.trackingNumber ?? o.shipment?.trackingNumber}</Link>
                </dd>
              </div>
            )}
            <div>
              <dt>{ko.order.shipTo}</dt>
              <dd>
                {a.recipient} · {a.phone}
                <br />({a.postalCode}) {a.address1} {a.address2 ?? ''}
              </dd>
            </div>
          </dl>
        </section>
      </div>
      <section className="panel" aria-labelledby="hist-h">
        <h2 id="hist-h">{ko.order.history}</h2>
        <ol className="timeline">
          {o.history.map((h, i) => (
            <li key={`${h.status}-${i}`}>
              <StatusBadge status={h.status} /> <DateTime at={h.at} />
              {h.reason && <span className="muted"> · {ko.order.reasons[h.reason] ?? h.reason}</span>}
            </li>
          ))}
        </ol>
      </section>
    </article>
  )
}
