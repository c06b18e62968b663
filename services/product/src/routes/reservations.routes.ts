import { Reservation, ReservationCreateBody } from '@shop/contracts/product'
import { requireUser } from '@shop/platform/auth'
import { type App, problemResponses } from '@shop/platform/server'
import { Type } from '@sinclair/typebox'
import type { ProductContext } from '../context.ts'
import { releaseReservation } from '../use-cases/release-reservation.ts'
import { reserveStock } from '../use-cases/reserve-stock.ts'

const tags = ['internal']

/**
 * Service-to-service reservations (never routed by the gateway). The order service
 * forwards the buyer's token, so any authenticated caller is accepted.
 */
export function registerReservationRoutes(app: App, ctx: ProductContext): void {
  app.post(
    '/internal/reservations',
    {
      preHandler: requireUser,
      schema: {
        tags,
        body: ReservationCreateBody,
        response: { 201: Reservation, 200: Reservation, ...problemResponses(400, 401, 409) },
      },
    },
    async (req, reply) => {
      const { reservation, created } = await reserveStock(ctx, req.body)
      return reply.code(created ? 201 : 200).send(reservation)
    },
  )

  app.post(
    '/internal/reservations/:orderId/release',
    {
      preHandler: requireUser,
      schema: {
        tags,
        params: Type.Object({ orderId: Type.String({ format: 'uuid' }) }),
        response: { 200: Reservation, ...problemResponses(400, 401, 404) },
      },
    },
    (req) => releaseReservation(ctx, req.params.orderId),
  )
}
