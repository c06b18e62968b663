import { createHash } from 'node:crypto'
import type { LoginBody, SessionView } from '@shop/contracts/auth'
import { withTransaction } from '@shop/platform/db'
import { RateLimited } from '@shop/platform/errors'
import { enforce } from '@shop/platform/rate-limit'
import type { AuthContext } from '../auth-context.ts'
import { InvalidCredentials } from '../auth.errors.ts'
import { findUserByEmail, updatePasswordHash } from '../data/users.repository.ts'
import { normalizeEmail } from '../domain/email.ts'
import { startSession } from './issue-session.ts'
import { toUserView } from './views.ts'

/** The account's failure counter key: a digest, so the cache (Redis) holds no email addresses. */
export const accountKey = (email: string) => createHash('sha256').update(email).digest('base64url')

/**
 * Signs a user in. An unknown email costs one argon2 verify like a wrong password and
 * gets the same answer; every attempt counts against the account's window, and a
 * success clears it, so the limit is on consecutive failures.
 */
export async function login(ctx: AuthContext, input: LoginBody): Promise<SessionView> {
  const email = normalizeEmail(input.email)
  try {
    await enforce(ctx.limits.account, accountKey(email))
  } catch (err) {
    if (err instanceof RateLimited) ctx.counters.logins.inc({ outcome: 'limited' })
    throw err
  }
  const user = await findUserByEmail(ctx.pool, email)
  const ok = user ? await ctx.hasher.verify(user.passwordHash, input.password) : await ctx.hasher.verifyDummy(input.password)
  if (!user || !ok) {
    ctx.counters.logins.inc({ outcome: 'invalid' })
    throw new InvalidCredentials()
  }
  await ctx.limits.account.reset(accountKey(email))
  // Hashes made with weaker parameters are upgraded while the password is at hand.
  if (ctx.hasher.needsRehash(user.passwordHash)) {
    await updatePasswordHash(ctx.pool, user.id, await ctx.hasher.hash(input.password))
  }
  const tokens = await withTransaction(ctx.pool, (client) => startSession(ctx, client, user))
  ctx.counters.logins.inc({ outcome: 'success' })
  return { user: toUserView(ctx.cipher, user), ...tokens }
}
