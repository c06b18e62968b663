import { ChangePasswordBody, ProfileView, UpdateProfileBody } from '@shop/contracts/auth'
import { requireUser } from '@shop/platform/auth'
import { type App, problemResponses } from '@shop/platform/server'
import type { AuthContext } from '../auth-context.ts'
import { Type } from '@sinclair/typebox'
import { changePassword } from '../use-cases/change-password.ts'
import { getProfile } from '../use-cases/get-profile.ts'
import { updateProfile } from '../use-cases/update-profile.ts'

/** The caller's own profile: always theirs, so there is no id in the path to guess. */
export function profileRoutes(app: App, ctx: AuthContext): void {
  app.get(
    '/auth/profile',
    { preHandler: requireUser, schema: { tags: ['auth'], response: { 200: ProfileView, ...problemResponses(401, 404) } } },
    async (req) => getProfile(ctx, req.user!.id),
  )

  app.put(
    '/auth/profile',
    {
      preHandler: requireUser,
      schema: { tags: ['auth'], body: UpdateProfileBody, response: { 200: ProfileView, ...problemResponses(400, 401, 404) } },
    },
    async (req) => updateProfile(ctx, req.user!.id, req.body),
  )

  app.put(
    '/auth/password',
    {
      preHandler: requireUser,
      schema: {
        tags: ['auth'],
        summary: 'Change the password (the current one first); every other session of the user is signed out',
        body: ChangePasswordBody,
        response: { 204: Type.Null({ description: 'Changed' }), ...problemResponses(400, 401, 404, 429) },
      },
    },
    async (req, reply) => {
      await changePassword(ctx, req.user!, req.body)
      return reply.code(204).send(null)
    },
  )
}
