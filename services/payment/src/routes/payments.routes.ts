import { PayBody, Payment, RefundBody } from '@shop/contracts/payment'
import { type AuthUser, requireRole, requireUser } from '@shop/platform/auth'
import { IdempotencyKey, IdempotencyKeyHeader, type IdempotentResponse } from '@shop/platform/idempotency'
import { type App, problemResponses } from '@shop/platform/server'
import { Type } from '@sinclair/typebox'
import type { FastifyReply } from 'fastify'
import type { Payments } from '../context.ts'
import { getPayment } from '../use-cases/get-payment.ts'
import { pay } from '../use-cases/pay.ts'
import { refundPayment } from '../use-cases/refund-payment.ts'

const Params = Type.Object({ id: Type.String({ format: 'uuid' }) })

function send(reply: FastifyReply, res: IdempotentResponse<Payment>) {
  if (res.headers) reply.headers(res.headers)
  if (res.replayed) reply.header('idempotent-replayed', 'true')
  return reply.code(res.status).send(res.body)
}

/** Pay (order owner), read (owner or admin), refund (admin). */
export function paymentRoutes(app: App, p: Payments): void {
  app.post(
    '/payments',
    {
      preHandler: requireUser,
      schema: {
        tags: ['payments'],
        summary: "Pay an order's prepared payment through the payment gateway",
        description:
          'A declined charge is a 201 with status FAILED and a failureCode; the order stays payable until it expires. ' +
          'The same Idempotency-Key and body answer the stored response with Idempotent-Replayed: true.',
        headers: IdempotencyKeyHeader,
        body: PayBody,
        response: { 201: Payment, ...problemResponses(400, 401, 404, 409, 422, 503) },
      },
    },
    async (req, reply) => send(reply, await pay(p, req.user as AuthUser, req.body, req.headers['idempotency-key'])),
  )

  app.get(
    '/payments/:id',
    {
      preHandler: requireUser,
      schema: {
        tags: ['payments'],
        summary: 'A payment, for its owner or an admin',
        params: Params,
        response: { 200: Payment, ...problemResponses(400, 401, 404) },
      },
    },
    async (req) => getPayment(p, req.user as AuthUser, req.params.id),
  )

  app.post(
    '/payments/:id/refund',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['payments'],
        summary: 'Refund all that remains of a payment, or part of it',
        description: 'An Idempotency-Key is optional; with one, a retry after a 503 resumes the same refund.',
        params: Params,
        headers: Type.Object({ 'idempotency-key': Type.Optional(IdempotencyKey) }),
        body: RefundBody,
        response: { 200: Payment, ...problemResponses(400, 401, 403, 404, 409, 422, 503) },
      },
    },
    async (req, reply) =>
      send(reply, await refundPayment(p, req.user as AuthUser, req.params.id, req.body, req.headers['idempotency-key'])),
  )
}
