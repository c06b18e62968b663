import { type AuthUser, denyToken } from '@shop/platform/auth'
import { decodeJwt } from 'jose'
import type { AuthContext } from '../auth-context.ts'
import { findRefreshToken, revokeFamily } from '../data/sessions.repository.ts'
import { sessionIdOf } from '../domain/token-claims.ts'
import { hashRefreshToken } from '../security/refresh-tokens.ts'

/**
 * Ends a session at once: revokes the access token's own session (its `sid`) and the
 * session of the refresh token sent, if it is the caller's, then denylists the access
 * token's jti (and each revoked session's newest one) so every service refuses them.
 */
export async function logout(ctx: AuthContext, user: AuthUser, refreshToken?: string): Promise<void> {
  const families = new Set<string>()
  // The verifier has checked the token already; decoding only reads the session id.
  const sid = sessionIdOf(decodeJwt(user.token))
  if (sid) families.add(sid)
  if (refreshToken) {
    const token = await findRefreshToken(ctx.pool, hashRefreshToken(refreshToken))
    if (token && token.userId === user.id) families.add(token.familyId)
  }
  const deny = new Map<string, number>([[user.jti, user.exp]])
  for (const familyId of families) {
    const revoked = await revokeFamily(ctx.pool, familyId, 'logout', user.id)
    if (revoked?.access) deny.set(revoked.access.jti, Math.ceil(revoked.access.exp.getTime() / 1000))
  }
  for (const [jti, exp] of deny) await denyToken(ctx.cache, jti, exp)
}
