import type { TokenPair } from '@shop/contracts/auth'
import { denyToken } from '@shop/platform/auth'
import { withTransaction } from '@shop/platform/db'
import type { AuthContext } from '../auth-context.ts'
import { InvalidRefreshToken } from '../auth.errors.ts'
import { claimRefreshToken, findRefreshToken, lockFamily, revokeFamily } from '../data/sessions.repository.ts'
import { findUserById } from '../data/users.repository.ts'
import { hashRefreshToken } from '../security/refresh-tokens.ts'
import { issueSession } from './issue-session.ts'

type Outcome = { kind: 'rotated'; tokens: TokenPair } | { kind: 'rejected' } | { kind: 'not-claimable' }

/**
 * Rotates a refresh token: the presented one is spent and a new pair of the same session
 * is issued. A token that is already spent (a replay, or the loser of two concurrent
 * refreshes) revokes its whole session, the newest token and access token included.
 */
export async function refreshSession(ctx: AuthContext, refreshToken: string): Promise<TokenPair> {
  const hash = hashRefreshToken(refreshToken)
  const outcome = await withTransaction(ctx.pool, async (client): Promise<Outcome> => {
    const claimed = await claimRefreshToken(client, hash)
    if (!claimed) return { kind: 'not-claimable' }
    // The family lock orders this rotation against a concurrent logout or revocation.
    const family = await lockFamily(client, claimed.familyId)
    if (!family || family.revoked || claimed.expiresAt.getTime() <= Date.now()) return { kind: 'rejected' }
    const user = await findUserById(client, claimed.userId)
    if (!user) return { kind: 'rejected' }
    return { kind: 'rotated', tokens: await issueSession(ctx, client, user, claimed.familyId) }
  })
  if (outcome.kind === 'rotated') return outcome.tokens
  if (outcome.kind === 'not-claimable') await revokeOnReuse(ctx, hash)
  throw new InvalidRefreshToken()
}

async function revokeOnReuse(ctx: AuthContext, hash: Buffer): Promise<void> {
  const token = await findRefreshToken(ctx.pool, hash)
  if (!token) return
  const revoked = await revokeFamily(ctx.pool, token.familyId, 'reuse')
  if (!revoked) return
  ctx.counters.refreshReuse.inc()
  ctx.logger.warn({ userId: token.userId, sessionId: token.familyId }, 'refresh token reused; session revoked')
  if (revoked.access) await denyToken(ctx.cache, revoked.access.jti, Math.ceil(revoked.access.exp.getTime() / 1000))
}
