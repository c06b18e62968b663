import { RolesView, SetRolesBody, UserIdParams, UserList, UserListQuery } from '@shop/contracts/auth'
import { requireRole } from '@shop/platform/auth'
import { type App, problemResponses } from '@shop/platform/server'
import type { AuthContext } from '../auth-context.ts'
import { listUsers } from '../use-cases/list-users.ts'
import { setRoles } from '../use-cases/set-roles.ts'

/** User administration, admins only. */
export function usersRoutes(app: App, ctx: AuthContext): void {
  app.get(
    '/auth/users',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['auth'],
        summary: 'Admin: accounts newest first, by part of an email and by role; names masked',
        querystring: UserListQuery,
        response: { 200: UserList, ...problemResponses(400, 401, 403) },
      },
    },
    async (req) => listUsers(ctx, req.query),
  )

  app.put(
    '/auth/users/:id/roles',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['auth'],
        summary: 'Admin: give a user exactly these roles; taking the admin role from the only admin is 409 invalid_state',
        params: UserIdParams,
        body: SetRolesBody,
        response: { 200: RolesView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => setRoles(ctx, req.params.id, req.body.roles),
  )
}
