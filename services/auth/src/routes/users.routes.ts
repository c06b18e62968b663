import { RolesView, SetRolesBody, UserIdParams } from '@shop/contracts/auth'
import { requireRole } from '@shop/platform/auth'
import { type App, problemResponses } from '@shop/platform/server'
import type { AuthContext } from '../auth-context.ts'
import { setRoles } from '../use-cases/set-roles.ts'

/** Role administration, admins only. */
export function usersRoutes(app: App, ctx: AuthContext): void {
  app.put(
    '/auth/users/:id/roles',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['auth'],
        params: UserIdParams,
        body: SetRolesBody,
        response: { 200: RolesView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => setRoles(ctx, req.params.id, req.body.roles),
  )
}
