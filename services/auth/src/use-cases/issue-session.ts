import { randomUUID } from 'node:crypto'
import { ACCESS_TOKEN_TTL_SECONDS, type Role, type TokenPair } from '@shop/contracts/auth'
import type { Queryable } from '@shop/platform/db'
import type { AuthContext } from '../auth-context.ts'
import { createFamily, insertRefreshToken, recordAccessToken } from '../data/sessions.repository.ts'
import { accessClaims, refreshExpiry } from '../domain/token-claims.ts'
import { newRefreshToken } from '../security/refresh-tokens.ts'

/** Issues the next token pair of a session (family), inside the caller's transaction. */
export async function issueSession(
  ctx: AuthContext,
  client: Queryable,
  user: { id: string; roles: readonly Role[] },
  familyId: string,
): Promise<TokenPair> {
  const now = Date.now()
  const refresh = newRefreshToken()
  await insertRefreshToken(client, { hash: refresh.hash, familyId, userId: user.id, expiresAt: refreshExpiry(now) })
  const claims = accessClaims({
    userId: user.id,
    roles: user.roles,
    jti: randomUUID(),
    sessionId: familyId,
    issuer: ctx.issuer,
    audience: ctx.audience,
    nowMs: now,
  })
  await recordAccessToken(client, familyId, claims.jti, new Date(claims.exp * 1000))
  return { accessToken: await ctx.signer.sign(claims), refreshToken: refresh.token, expiresIn: ACCESS_TOKEN_TTL_SECONDS }
}

/** Opens a new session (refresh family) for the user and issues its first token pair. */
export async function startSession(
  ctx: AuthContext,
  client: Queryable,
  user: { id: string; roles: readonly Role[] },
): Promise<TokenPair> {
  const familyId = randomUUID()
  await createFamily(client, { id: familyId, userId: user.id })
  return issueSession(ctx, client, user, familyId)
}
