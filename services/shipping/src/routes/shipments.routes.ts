import { Shipment, ShipmentList, ShipmentListQuery, Tracking, UpdateShipmentStatusBody } from '@shop/contracts/shipping'
import { type AuthUser, requireRole, requireUser } from '@shop/platform/auth'
import { type App, problemResponses } from '@shop/platform/server'
import { Type } from '@sinclair/typebox'
import type { Shipping } from '../context.ts'
import { getShipment } from '../use-cases/get-shipment.ts'
import { listShipments } from '../use-cases/list-shipments.ts'
import { trackParcel } from '../use-cases/track-parcel.ts'
import { updateShipmentStatusByAdmin } from '../use-cases/update-shipment-status.ts'

const Uuid = Type.String({ format: 'uuid' })

/** Shipments: the queue (admin), get by order (owner or admin), status updates (admin), public tracking. */
export function shipmentRoutes(app: App, s: Shipping): void {
  app.get(
    '/shipments',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['shipping'],
        summary: 'Admin: shipments oldest first (the fulfilment queue with status=READY); recipients masked',
        querystring: ShipmentListQuery,
        response: { 200: ShipmentList, ...problemResponses(400, 401, 403) },
      },
    },
    async (req) => listShipments(s, req.query),
  )

  app.get(
    '/shipments/tracking/:trackingNumber',
    {
      schema: {
        tags: ['shipping'],
        summary: 'Track a parcel by its waybill number (no personal data)',
        params: Type.Object({ trackingNumber: Type.String({ minLength: 1, maxLength: 40 }) }),
        response: { 200: Tracking, ...problemResponses(400, 404) },
      },
    },
    async (req) => trackParcel(s, req.params.trackingNumber),
  )

  app.get(
    '/shipments/:orderId',
    {
      preHandler: requireUser,
      schema: {
        tags: ['shipping'],
        summary: "An order's shipment; the recipient is masked for anyone but the order's owner",
        params: Type.Object({ orderId: Uuid }),
        response: { 200: Shipment, ...problemResponses(400, 401, 404) },
      },
    },
    async (req) => getShipment(s, req.user as AuthUser, req.params.orderId),
  )

  app.put(
    '/shipments/:id/status',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['shipping'],
        summary: 'Move a shipment on: DISPATCHED (carrier, tracking number), IN_TRANSIT, DELIVERED',
        params: Type.Object({ id: Uuid }),
        body: UpdateShipmentStatusBody,
        response: { 200: Shipment, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => updateShipmentStatusByAdmin(s, req.user as AuthUser, req.params.id, req.body),
  )
}
