import type { Shipment, ShipmentStatus } from '@shop/client'
import { isApiError } from '@shop/client'
import { useInfiniteQuery } from '@tanstack/react-query'
import { type FormEvent, useId, useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { useShop } from '../../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { Button, DateTime, ErrorNote, Field, Loading, Notice, PageTitle } from '../../ui/primitives.tsx'
import { adminKo } from '../ko.ts'
import { CARRIERS, shipmentsQuery, useUpdateShipment } from './api.ts'

const t = adminKo.shipments
const SHOWN: ShipmentStatus[] = ['READY', 'DISPATCHED', 'IN_TRANSIT', 'DELIVERED']
const TRACKING = /^[0-9A-Za-z-]{6,30}$/

export function ShipmentsPage() {
  const client = useShop()
  const [params, setParams] = useSearchParams()
  const status = (SHOWN.find((s) => s === params.get('status')) ?? 'READY') as ShipmentStatus
  const list = useInfiniteQuery(shipmentsQuery(client, status))
  const items = list.data?.pages.flatMap((p) => p.items) ?? []
  const [message, setMessage] = useState<string | null>(null)
  const filterId = useId()
  return (
    <>
      <PageTitle title={`${t.title} | ${adminKo.consoleName}`} />
      <h1>{t.title}</h1>
      <div className="admin-filters">
        <div className="field">
          <label htmlFor={filterId}>{t.statusFilter}</label>
          <select
            id={filterId}
            value={status}
            onChange={(e) => {
              setMessage(null)
              setParams(e.target.value === 'READY' ? {} : { status: e.target.value })
            }}
          >
            {SHOWN.map((s) => (
              <option key={s} value={s}>
                {s === 'READY' ? `${t.queue} (${ko.order.shipmentStatuses[s]})` : ko.order.shipmentStatuses[s]}
              </option>
            ))}
          </select>
        </div>
        <p className="muted">{t.oldestFirst}</p>
      </div>
      <div aria-live="polite">{message && <Notice tone="success">{message}</Notice>}</div>
      {list.isPending && <Loading />}
      {list.isError && <ErrorNote message={messageFor(list.error)} onRetry={() => void list.refetch()} />}
      {list.data && items.length === 0 && <p className="empty">{t.empty}</p>}
      {items.length > 0 && (
        <ul className="admin-parcels">
          {items.map((s) => (
            <Parcel key={s.id} shipment={s} onDone={setMessage} />
          ))}
        </ul>
      )}
      {list.hasNextPage && (
        <Button variant="secondary" onClick={() => void list.fetchNextPage()} pending={list.isFetchingNextPage}>
          {adminKo.common.more}
        </Button>
      )}
    </>
  )
}

function Parcel({ shipment: s, onDone }: { shipment: Shipment; onDone: (m: string) => void }) {
  const headingId = useId()
  const short = s.orderId.slice(0, 8)
  return (
    <li className="admin-parcel" aria-labelledby={headingId}>
      <h2 id={headingId} className="admin-parcel-title">
        {t.parcelFor(s.recipient.name, short)}
      </h2>
      <dl className="admin-facts">
        <div>
          <dt>{t.order}</dt>
          <dd>
            <Link to={`/admin/orders/${s.orderId}`} className="mono">
              {short}
            </Link>
          </dd>
        </div>
        <div>
          <dt>{t.createdAt}</dt>
          <dd>
            <DateTime at={s.createdAt} />
          </dd>
        </div>
        <div>
          <dt>{adminKo.orders.status}</dt>
          <dd>{ko.order.shipmentStatuses[s.status]}</dd>
        </div>
        <div>
          <dt>{ko.order.shipTo}</dt>
          <dd>
            ({s.recipient.postalCode}) {s.recipient.address1}
          </dd>
        </div>
        {s.trackingNumber && (
          <div>
            <dt>{t.trackingNumber}</dt>
            <dd>
              {s.carrier ? `${ko.carriers[s.carrier]} ` : ''}
              <a href={`/tracking/${encodeURIComponent(s.trackingNumber)}`} className="mono">
                {s.trackingNumber}
              </a>
            </dd>
          </div>
        )}
      </dl>
      {s.status === 'READY' && <DispatchForm shipment={s} onDone={onDone} />}
      {(s.status === 'DISPATCHED' || s.status === 'IN_TRANSIT') && <DeliverButton shipment={s} onDone={onDone} />}
    </li>
  )
}

function DispatchForm({ shipment, onDone }: { shipment: Shipment; onDone: (m: string) => void }) {
  const update = useUpdateShipment()
  const carrierId = useId()
  const [carrier, setCarrier] = useState('')
  const [tracking, setTracking] = useState('')
  const [errors, setErrors] = useState<{ carrier?: string; tracking?: string }>({})
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const found: typeof errors = {}
    if (!carrier) found.carrier = t.errors.carrier
    if (!TRACKING.test(tracking.trim())) found.tracking = t.errors.tracking
    setErrors(found)
    if (found.carrier || found.tracking) return
    update.mutate(
      { id: shipment.id, body: { status: 'DISPATCHED', carrier: carrier as (typeof CARRIERS)[number], trackingNumber: tracking.trim() } },
      {
        onSuccess: () => onDone(t.dispatched(tracking.trim())),
        onError: (err) => isApiError(err, 'tracking_number_taken') && setErrors({ tracking: t.trackingTaken }),
      },
    )
  }
  return (
    <form className="admin-dispatch" onSubmit={submit} noValidate>
      <div className={`field${errors.carrier ? ' field-invalid' : ''}`}>
        <label htmlFor={carrierId}>{t.carrier}</label>
        <select
          id={carrierId}
          value={carrier}
          onChange={(e) => setCarrier(e.target.value)}
          aria-invalid={errors.carrier ? true : undefined}
          aria-describedby={errors.carrier ? `${carrierId}-error` : undefined}
        >
          <option value="">{t.chooseCarrier}</option>
          {CARRIERS.map((c) => (
            <option key={c} value={c}>
              {ko.carriers[c]}
            </option>
          ))}
        </select>
        {errors.carrier && (
          <p className="field-error" id={`${carrierId}-error`}>
            {errors.carrier}
          </p>
        )}
      </div>
      <Field label={t.trackingNumber} value={tracking} onChange={(e) => setTracking(e.target.value)} error={errors.tracking} spellCheck={false} autoComplete="off" />
      {update.isError && !isApiError(update.error, 'tracking_number_taken') && <ErrorNote message={messageFor(update.error)} />}
      <Button type="submit" pending={update.isPending} pendingLabel={adminKo.common.working}>
        {t.dispatch}
      </Button>
    </form>
  )
}

function DeliverButton({ shipment, onDone }: { shipment: Shipment; onDone: (m: string) => void }) {
  const update = useUpdateShipment()
  return (
    <div className="row">
      <Button
        variant="secondary"
        pending={update.isPending}
        onClick={() => update.mutate({ id: shipment.id, body: { status: 'DELIVERED' } }, { onSuccess: () => onDone(t.delivered) })}
      >
        {t.deliver}
      </Button>
      {update.isError && <ErrorNote message={messageFor(update.error)} />}
    </div>
  )
}
