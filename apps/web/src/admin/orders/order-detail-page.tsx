import { isApiError, type Order } from '@shop/client'
import { useQuery } from '@tanstack/react-query'
import { Link, useParams } from 'react-router'
import { useShop } from '../../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { DateTime, ErrorNote, Loading, Money, Notice, PageTitle } from '../../ui/primitives.tsx'
import { adminKo } from '../ko.ts'
import { ConfirmButton } from '../ui/dialog.tsx'
import { TableWrap } from '../ui/table.tsx'
import { adminOrderQuery, paymentQuery, shipmentQuery, useCancelOrder, useLiveOrder, useRefund } from './api.ts'
import { RefundForm } from './refund-form.tsx'

const t = adminKo.orders
const CANCELLABLE = new Set(['PENDING_PAYMENT', 'PAID'])

export function OrderDetailPage() {
  const { id = '' } = useParams()
  const client = useShop()
  const q = useQuery(adminOrderQuery(client, id))
  useLiveOrder(id, q.data)
  return (
    <>
      <PageTitle title={`${t.detailTitle(id.slice(0, 8))} | ${adminKo.consoleName}`} />
      <p>
        <Link to="/admin/orders">{t.backToList}</Link>
      </p>
      <h1>
        {t.detailTitle('')}
        <span className="mono">{id.slice(0, 8)}</span>
      </h1>
      {q.isPending && <Loading />}
      {q.isError && <ErrorNote message={isApiError(q.error, 'not_found') ? ko.order.notFound : messageFor(q.error)} onRetry={() => void q.refetch()} />}
      {q.data && <OrderDetail order={q.data} />}
    </>
  )
}

function OrderDetail({ order }: { order: Order }) {
  const cancel = useCancelOrder(order.id)
  const live = order.status !== 'DELIVERED' && order.status !== 'CANCELLED'
  return (
    <>
      <section className="panel admin-order-head" aria-label={t.status}>
        <dl className="admin-facts">
          <div>
            <dt>{t.status}</dt>
            <dd>
              <span className={`status status-${order.status.toLowerCase()}`} aria-live="polite">
                {ko.order.statuses[order.status]}
              </span>
              {live && <span className="muted admin-live"> · {t.live}</span>}
            </dd>
          </div>
          <div>
            <dt>{t.orderId}</dt>
            <dd className="mono">{order.id}</dd>
          </div>
          <div>
            <dt>{t.placedAt}</dt>
            <dd>
              <DateTime at={order.createdAt} />
            </dd>
          </div>
          <div>
            <dt>{adminKo.nav.customers}</dt>
            <dd>
              <Link to={`/admin/orders?userId=${order.userId}`}>{t.customerOrders}</Link>
            </dd>
          </div>
        </dl>
        {CANCELLABLE.has(order.status) && (
          <ConfirmButton label={t.cancel} question={t.cancelConfirm} variant="danger" pending={cancel.isPending} onConfirm={() => cancel.mutate()} />
        )}
        {cancel.isError && <ErrorNote message={messageFor(cancel.error, 'cancel')} />}
        {cancel.isSuccess && <Notice tone="success">{t.cancelled}</Notice>}
      </section>
      <div className="admin-two-col">
        <section className="panel" aria-labelledby="lines-heading">
          <h2 id="lines-heading">{t.lines}</h2>
          <TableWrap label={t.lines}>
            <table className="admin-table">
              <caption className="visually-hidden">{t.lines}</caption>
              <thead>
                <tr>
                  <th scope="col">{adminKo.products.name}</th>
                  <th scope="col">{t.unitPrice}</th>
                  <th scope="col">{t.quantity}</th>
                  <th scope="col">{t.lineTotal}</th>
                </tr>
              </thead>
              <tbody>
                {order.items.map((i) => (
                  <tr key={i.productId}>
                    <th scope="row">
                      <Link to={`/admin/products/${i.productId}`}>{i.name}</Link>
                    </th>
                    <td>
                      <Money amount={i.unitPrice} />
                    </td>
                    <td>{i.quantity}</td>
                    <td>
                      <Money amount={i.lineTotal} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <dl className="admin-amounts">
            <div>
              <dt>{ko.order.subtotal}</dt>
              <dd>
                <Money amount={order.subtotal} />
              </dd>
            </div>
            <div>
              <dt>{ko.order.shippingFee}</dt>
              <dd>
                <Money amount={order.shippingFee} />
              </dd>
            </div>
            <div className="admin-amounts-total">
              <dt>{ko.order.total}</dt>
              <dd>
                <Money amount={order.total} />
              </dd>
            </div>
          </dl>
        </section>
        <PaymentSection order={order} />
      </div>
      <div className="admin-two-col">
        <ShipmentSection order={order} />
        <section className="panel" aria-labelledby="history-heading">
          <h2 id="history-heading">{t.history}</h2>
          <ol className="admin-timeline">
            {order.history.map((h, i) => (
              <li key={`${h.at}-${i}`}>
                <strong>{ko.order.statuses[h.status]}</strong> <DateTime at={h.at} />
                {h.reason && <span className="muted"> · {ko.order.reasons[h.reason] ?? h.reason}</span>}
              </li>
            ))}
          </ol>
        </section>
      </div>
    </>
  )
}

function PaymentSection({ order }: { order: Order }) {
  const client = useShop()
  const paymentId = order.payment?.paymentId
  const q = useQuery({ ...paymentQuery(client, paymentId ?? ''), enabled: Boolean(paymentId) })
  const refund = useRefund(order.id, paymentId ?? '')
  const p = q.data
  return (
    <section className="panel" aria-labelledby="payment-heading">
      <h2 id="payment-heading">{t.payment}</h2>
      {!paymentId && <p className="muted">{ko.order.statuses.PENDING_PAYMENT}</p>}
      {q.isLoading && <Loading />}
      {q.isError && <ErrorNote message={messageFor(q.error)} onRetry={() => void q.refetch()} />}
      {p && (
        <>
          <dl className="admin-facts">
            <div>
              <dt>{t.paymentStatus}</dt>
              <dd>{ko.order.paymentStatuses[p.status] ?? p.status}</dd>
            </div>
            <div>
              <dt>{t.paymentMethod}</dt>
              <dd>{p.method ? (t.methods[p.method] ?? p.method) : adminKo.common.none}</dd>
            </div>
            <div>
              <dt>{t.total}</dt>
              <dd>
                <Money amount={p.amount} />
              </dd>
            </div>
            {p.approvedAt && (
              <div>
                <dt>{t.approvedAt}</dt>
                <dd>
                  <DateTime at={p.approvedAt} />
                </dd>
              </div>
            )}
            <div>
              <dt>{t.refundedTotal}</dt>
              <dd>
                <Money amount={p.refundedAmount} />
              </dd>
            </div>
          </dl>
          <h3>{t.refunds}</h3>
          {p.refunds.length === 0 ? (
            <p className="muted">{t.noRefunds}</p>
          ) : (
            <ul className="admin-plain-list">
              {p.refunds.map((r) => (
                <li key={r.id}>
                  <Money amount={r.amount} /> · <DateTime at={r.at} /> · {r.reason}
                </li>
              ))}
            </ul>
          )}
          <h3>{adminKo.refund.title}</h3>
          <RefundForm payment={p} onRefund={(body) => refund.mutateAsync(body)} />
        </>
      )}
    </section>
  )
}

function ShipmentSection({ order }: { order: Order }) {
  const client = useShop()
  const q = useQuery(shipmentQuery(client, order.id))
  const s = q.data
  return (
    <section className="panel" aria-labelledby="shipment-heading">
      <h2 id="shipment-heading">{t.shipment}</h2>
      {q.isPending && <Loading />}
      {q.isError && <ErrorNote message={messageFor(q.error)} onRetry={() => void q.refetch()} />}
      {q.data === null && <p className="muted">{t.noShipment}</p>}
      {s && (
        <dl className="admin-facts">
          <div>
            <dt>{t.shipmentStatus}</dt>
            <dd>{ko.order.shipmentStatuses[s.status] ?? s.status}</dd>
          </div>
          {s.carrier && (
            <div>
              <dt>{adminKo.shipments.carrier}</dt>
              <dd>{ko.carriers[s.carrier] ?? s.carrier}</dd>
            </div>
          )}
          {s.trackingNumber && (
            <div>
              <dt>{adminKo.shipments.trackingNumber}</dt>
              <dd>
                <a href={`/tracking/${encodeURIComponent(s.trackingNumber)}`} className="mono">
                  {s.trackingNumber}
                </a>
              </dd>
            </div>
          )}
          <div>
            <dt>{t.recipient}</dt>
            <dd>
              {s.recipient.name} · {s.recipient.phone}
            </dd>
          </div>
          <div>
            <dt>{ko.order.shipTo}</dt>
            <dd>
              ({order.shippingAddress.postalCode}) {order.shippingAddress.address1} {order.shippingAddress.address2 ?? ''}
            </dd>
          </div>
        </dl>
      )}
      {s && s.status === 'READY' && <Link to="/admin/shipments">{adminKo.shipments.title}</Link>}
    </section>
  )
}
