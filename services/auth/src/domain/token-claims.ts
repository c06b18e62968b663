import { ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_SECONDS, type Role } from '@shop/contracts/auth'

/** What an access token says about its bearer (API.md: sub, roles, jti, exp, iss, aud; sid for logout). */
export interface AccessClaims {
  sub: string
  roles: Role[]
  jti: string
  /** The refresh-token family of this session, so logout can always revoke it. */
  sid: string
  iss: string
  aud: string
  iat: number
  exp: number
}

export const REFRESH_TOKEN_TTL_MS = REFRESH_TOKEN_TTL_SECONDS * 1000

/** The claims of a fresh access token issued at `nowMs`. */
export function accessClaims(input: {
  userId: string
  roles: readonly Role[]
  jti: string
  sessionId: string
  issuer: string
  audience: string
  nowMs: number
  ttlSeconds?: number
}): AccessClaims {
  const iat = Math.floor(input.nowMs / 1000)
  return {
    sub: input.userId,
    roles: [...input.roles],
    jti: input.jti,
    sid: input.sessionId,
    iss: input.issuer,
    aud: input.audience,
    iat,
    exp: iat + (input.ttlSeconds ?? ACCESS_TOKEN_TTL_SECONDS),
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The session (refresh family) id a verified token's payload names, or null when it names none. */
export function sessionIdOf(payload: Record<string, unknown>): string | null {
  const sid = payload.sid
  return typeof sid === 'string' && UUID.test(sid) ? sid : null
}

/** When a refresh token issued at `nowMs` stops working. */
export const refreshExpiry = (nowMs: number): Date => new Date(nowMs + REFRESH_TOKEN_TTL_MS)
