import type { ShipmentList, ShipmentListQuery } from '@shop/contracts/shipping'
import { InvalidCursor, packCursor, unpackCursor } from '@shop/platform/cursor'
import { ValidationFailed } from '@shop/platform/errors'
import type { Shipping } from '../context.ts'
import { listShipments as selectShipments, listTrackingEventsOf, type ShipmentCursor } from '../data/shipment.repository.ts'
import { shipmentView } from './shipment-view.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

function decode(cursor: string): ShipmentCursor {
  try {
    const v = unpackCursor(cursor) as { c?: unknown; i?: unknown }
    if (typeof v?.c === 'string' && !Number.isNaN(Date.parse(v.c)) && typeof v.i === 'string' && UUID.test(v.i)) return { createdAt: v.c, id: v.i }
  } catch (err) {
    if (!(err instanceof InvalidCursor)) throw err
  }
  throw new ValidationFailed([{ path: 'cursor', message: 'is not a cursor from this list' }])
}

/** GET /shipments (admin): the fulfilment queue, oldest first, recipients masked as for any non-owner. */
export async function listShipments(s: Shipping, query: ShipmentListQuery): Promise<ShipmentList> {
  const { shipments, more } = await selectShipments(s.pool, {
    status: query.status,
    after: query.cursor ? decode(query.cursor) : undefined,
    limit: query.limit,
  })
  const events = await listTrackingEventsOf(s.pool, shipments.map((x) => x.id))
  const last = shipments[shipments.length - 1]
  return {
    items: shipments.map((x) => shipmentView(s.cipher, x, events.get(x.id) ?? [], false)),
    nextCursor: more && last ? packCursor({ c: last.cursor, i: last.id }) : null,
  }
}
