import { LoginBody, LogoutBody, RefreshBody, RegisterBody, SessionView, TokenPair } from '@shop/contracts/auth'
import { requireUser } from '@shop/platform/auth'
import { enforce } from '@shop/platform/rate-limit'
import { type App, problemResponses } from '@shop/platform/server'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AuthContext } from '../auth-context.ts'
import { login } from '../use-cases/login.ts'
import { logout } from '../use-cases/logout.ts'
import { refreshSession } from '../use-cases/refresh-session.ts'
import { register } from '../use-cases/register.ts'

/** Register, login, refresh and logout (API.md "Auth"). */
export function authRoutes(app: App, ctx: AuthContext): void {
  // Counted before the body is even read, so a flood costs neither parsing nor argon2.
  const perIp = async (req: FastifyRequest) => {
    await enforce(ctx.limits.ip, req.ip)
  }
  // Token answers must not be kept by caches along the way (RFC 6749 §5.1).
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store')

  app.post(
    '/auth/register',
    {
      onRequest: perIp,
      schema: { tags: ['auth'], body: RegisterBody, response: { 201: SessionView, ...problemResponses(400, 409, 429) } },
    },
    async (req, reply) => noStore(reply).code(201).send(await register(ctx, req.body)),
  )

  app.post(
    '/auth/login',
    { onRequest: perIp, schema: { tags: ['auth'], body: LoginBody, response: { 200: SessionView, ...problemResponses(400, 401, 429) } } },
    async (req, reply) => noStore(reply).send(await login(ctx, req.body)),
  )

  app.post(
    '/auth/refresh',
    { onRequest: perIp, schema: { tags: ['auth'], body: RefreshBody, response: { 200: TokenPair, ...problemResponses(400, 401, 429) } } },
    async (req, reply) => noStore(reply).send(await refreshSession(ctx, req.body.refreshToken)),
  )

  app.post(
    '/auth/logout',
    {
      preHandler: requireUser,
      // The body is optional: no body at all, or `{ refreshToken }`.
      schema: { tags: ['auth'], body: Type.Union([LogoutBody, Type.Null()]), response: { 204: Type.Null({ description: 'Signed out' }), ...problemResponses(400, 401) } },
    },
    async (req, reply) => {
      await logout(ctx, req.user!, req.body?.refreshToken)
      return reply.code(204).send(null)
    },
  )
}
