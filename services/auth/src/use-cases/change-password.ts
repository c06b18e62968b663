import type { ChangePasswordBody } from '@shop/contracts/auth'
import { type AuthUser, denyToken } from '@shop/platform/auth'
import { withTransaction } from '@shop/platform/db'
import { NotFound, ValidationFailed } from '@shop/platform/errors'
import { enforce } from '@shop/platform/rate-limit'
import { decodeJwt } from 'jose'
import type { AuthContext } from '../auth-context.ts'
import { WrongCurrentPassword } from '../auth.errors.ts'
import { revokeOtherFamilies } from '../data/sessions.repository.ts'
import { findUserById, updatePasswordHash } from '../data/users.repository.ts'
import { checkPassword } from '../domain/password-policy.ts'
import { sessionIdOf } from '../domain/token-claims.ts'
import { accountKey } from './login.ts'

/**
 * PUT /auth/password: with the current password, sets a new one (the rules of
 * registration) and signs out every other session of the user: their refresh families
 * are revoked and their newest access tokens denied at once. The caller's own session
 * goes on. A wrong current password counts as a failed login of the account, so a
 * stolen access token cannot be used to guess the password faster than the login allows.
 */
export async function changePassword(ctx: AuthContext, user: AuthUser, body: ChangePasswordBody): Promise<void> {
  const account = await findUserById(ctx.pool, user.id)
  if (!account) throw new NotFound('No such user')
  const problems = checkPassword(body.newPassword, ctx.policy, { email: account.email }, '/newPassword')
  if (problems.length > 0) throw new ValidationFailed(problems, 'The new password does not meet the policy')
  await enforce(ctx.limits.account, accountKey(account.email))
  if (!(await ctx.hasher.verify(account.passwordHash, body.currentPassword))) throw new WrongCurrentPassword()
  await ctx.limits.account.reset(accountKey(account.email))
  const hash = await ctx.hasher.hash(body.newPassword)
  // The verifier has checked the token already; decoding only reads its session id.
  const keep = sessionIdOf(decodeJwt(user.token))
  const stale = await withTransaction(ctx.pool, async (client) => {
    await updatePasswordHash(client, user.id, hash)
    return revokeOtherFamilies(client, user.id, keep)
  })
  for (const t of stale) await denyToken(ctx.cache, t.jti, Math.ceil(t.exp.getTime() / 1000))
}
