import { ProfileView, UpdateProfileBody } from '@shop/contracts/auth'
import { requireUser } from '@shop/platform/auth'
import { type App, problemResponses } from '@shop/platform/server'
import type { AuthContext } from '../auth-context.ts'
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
}
