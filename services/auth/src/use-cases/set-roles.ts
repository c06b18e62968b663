import type { Role, RolesView } from '@shop/contracts/auth'
import { denyToken } from '@shop/platform/auth'
import { withTransaction } from '@shop/platform/db'
import { NotFound } from '@shop/platform/errors'
import type { AuthContext } from '../auth-context.ts'
import { LastAdmin } from '../auth.errors.ts'
import { type FamilyAccessToken, liveAccessTokens } from '../data/sessions.repository.ts'
import { findUserById, lockAdmins, updateRoles } from '../data/users.repository.ts'
import { canonicalRoles, removesLastAdmin } from '../domain/roles.ts'

/**
 * Gives a user exactly these roles. The user's current access tokens are denied so the
 * change applies at once: clients refresh and get tokens with the new roles.
 */
export async function setRoles(ctx: AuthContext, userId: string, roles: readonly Role[]): Promise<RolesView> {
  const next = canonicalRoles(roles)
  const stale = await withTransaction(ctx.pool, async (client): Promise<FamilyAccessToken[]> => {
    // Admins first, then the user, always in this order: concurrent changes cannot deadlock.
    const admins = await lockAdmins(client)
    const user = await findUserById(client, userId, { forUpdate: true })
    if (!user) throw new NotFound('No such user')
    const current = canonicalRoles(user.roles)
    if (current.join() === next.join()) return []
    if (removesLastAdmin(current, next, admins.length)) throw new LastAdmin()
    await updateRoles(client, userId, next)
    return liveAccessTokens(client, userId)
  })
  for (const t of stale) await denyToken(ctx.cache, t.jti, Math.ceil(t.exp.getTime() / 1000))
  return { id: userId, roles: next }
}
