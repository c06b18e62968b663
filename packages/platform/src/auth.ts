import type { FastifyInstance, FastifyRequest } from 'fastify'
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, type JWK, type JWTVerifyGetKey, jwtVerify } from 'jose'
import { Forbidden, Unauthorized, UpstreamUnavailable } from './errors.ts'
import type { Cache } from './ports.ts'

/**
 * Access-token verification. Every service checks tokens itself against the auth
 * service's JWKS (the gateway is not the only wall), with the algorithm pinned, issuer,
 * audience and expiry checked, and logged-out tokens refused through the jti denylist.
 */

export type Role = 'customer' | 'admin'
const ROLES: readonly Role[] = ['customer', 'admin']

export interface AuthUser {
  id: string
  roles: Role[]
  jti: string
  /** Expiry, epoch seconds. */
  exp: number
  /** The raw bearer token (to forward on service-to-service calls). */
  token: string
}

export interface TokenVerifierOptions {
  /** The auth service's JWKS URL; keys are cached and refetched when an unknown kid shows up. */
  jwksUrl?: string
  /** A JWKS given directly (tests, or the auth service verifying its own tokens). */
  jwks?: { keys: JWK[] }
  issuer: string
  audience: string
  /** Accepted signing algorithms (default ['EdDSA']). Symmetric algorithms and 'none' are refused. */
  algorithms?: string[]
  /** Where revoked tokens are looked up: the cache itself, or a local copy of its denylist (denylistCopy). */
  denylist?: Cache | Denylist
  clockToleranceSec?: number
}

export interface TokenVerifier {
  verify(token: string): Promise<AuthUser>
}

const GENERIC = 'invalid or expired token'
const VERIFIED_TTL_MS = 60_000
const VERIFIED_MAX = 10_000
/** The cache keys of revoked tokens start with this. */
export const DENYLIST_PREFIX = 'denylist:jti:'
const denyKey = (jti: string): string => `${DENYLIST_PREFIX}${jti}`
// Tokens are accepted up to the clock tolerance past exp, so denylist entries outlive exp by as much.
const DENY_MARGIN_MS = 60_000

/** Marks a token's jti as revoked until its expiry (plus a margin for clock tolerance). */
export async function denyToken(cache: Cache, jti: string, expEpochSeconds: number): Promise<void> {
  const ttlMs = expEpochSeconds * 1000 - Date.now() + DENY_MARGIN_MS
  if (ttlMs <= 0) return
  await cache.set(denyKey(jti), '1', Math.ceil(ttlMs))
}

/** Whether the jti has been revoked, read from the cache (or a copy of its denylist). */
export async function isDenied(denylist: Cache | Denylist, jti: string): Promise<boolean> {
  if ('isDenied' in denylist) return denylist.isDenied(jti)
  return (await denylist.get(denyKey(jti))) !== null
}

/** Revoked tokens, as a verifier reads them. */
export interface Denylist {
  isDenied(jti: string): Promise<boolean>
}

/**
 * The denylist answered from a KeyMirror of the cache's denylist keys (key-mirror.ts): no
 * round trip per request while the copy is exact, the cache itself otherwise.
 */
export function denylistCopy(mirror: { has(key: string): Promise<boolean> }): Denylist {
  return { isDenied: (jti) => mirror.has(denyKey(jti)) }
}

/** Whether the user holds the admin role. */
export function isAdmin(user: AuthUser | null | undefined): boolean {
  return Boolean(user?.roles.includes('admin'))
}

class KeysUnavailable extends Error {}

// Failing to reach the JWKS is an outage, not a bad token: it must not look like a 401.
function isFetchFailure(err: unknown): boolean {
  if (!(err instanceof joseErrors.JOSEError)) return true
  return err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid || err.code === 'ERR_JOSE_GENERIC'
}

function remoteKeys(url: string): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000, timeoutDuration: 3000 })
  return async (header, token) => {
    try {
      return await remote(header, token)
    } catch (err) {
      throw isFetchFailure(err) ? new KeysUnavailable('JWKS could not be fetched', { cause: err }) : err
    }
  }
}

/** Builds a verifier that turns a bearer token into an AuthUser or throws Unauthorized. */
export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  const algorithms = opts.algorithms ?? ['EdDSA']
  if (algorithms.length === 0 || algorithms.some((a) => a === 'none' || /^HS/i.test(a))) {
    throw new Error('token algorithms must be asymmetric (e.g. EdDSA, RS256); none and HS* are refused')
  }
  let getKey: JWTVerifyGetKey
  if (opts.jwksUrl) getKey = remoteKeys(opts.jwksUrl)
  else if (opts.jwks) getKey = createLocalJWKSet(opts.jwks)
  else throw new Error('createTokenVerifier needs jwksUrl or jwks')
  const clockTolerance = opts.clockToleranceSec ?? 5
  // A signature check (Ed25519) is the costliest step of a request at the gateway and at
  // every service it reaches. The same token string verifies the same way, so a verified
  // token is remembered briefly (at most VERIFIED_TTL_MS, never past its exp): a key removed
  // from the JWKS stops its tokens within that minute. The denylist is still checked on
  // every use, so a logout takes effect at once.
  const verified = new Map<string, { user: AuthUser; until: number }>()

  return {
    async verify(token: string): Promise<AuthUser> {
      if (typeof token !== 'string' || token.length === 0) throw new Unauthorized(GENERIC)
      const hit = verified.get(token)
      if (hit && hit.until > Date.now()) {
        if (opts.denylist && (await isDenied(opts.denylist, hit.user.jti))) throw new Unauthorized(GENERIC)
        return hit.user
      }
      if (hit) verified.delete(token)
      let payload
      try {
        ;({ payload } = await jwtVerify(token, getKey, {
          algorithms,
          issuer: opts.issuer,
          audience: opts.audience,
          clockTolerance,
          requiredClaims: ['exp', 'jti', 'sub'],
        }))
      } catch (err) {
        if (err instanceof KeysUnavailable) throw new UpstreamUnavailable('token keys')
        throw new Unauthorized(GENERIC)
      }
      const { sub, jti, exp } = payload
      if (typeof sub !== 'string' || !sub || typeof jti !== 'string' || !jti || typeof exp !== 'number') {
        throw new Unauthorized(GENERIC)
      }
      const claimed = Array.isArray(payload.roles) ? payload.roles : []
      const roles = ROLES.filter((r) => claimed.includes(r))
      if (opts.denylist && (await isDenied(opts.denylist, jti))) throw new Unauthorized(GENERIC)
      const user: AuthUser = { id: sub, roles, jti, exp, token }
      if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string)
      verified.set(token, { user, until: Math.min(Date.now() + VERIFIED_TTL_MS, exp * 1000) })
      return user
    },
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller, or null when the request carries no valid bearer token. */
    user: AuthUser | null
  }
}

// Why a request has no user, so requireUser can answer with the real reason (401 or 503).
const failures = new WeakMap<FastifyRequest, unknown>()

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return m ? m[1] : undefined
}

/**
 * Decorates `request.user`: resolved when the request arrives with `Authorization:
 * Bearer`, null otherwise or when the token is bad (public routes still serve; guarded
 * routes use requireUser / requireRole). Call before declaring routes.
 */
export function registerAuth(app: FastifyInstance, verifier: TokenVerifier): void {
  if (!app.hasRequestDecorator('user')) app.decorateRequest('user', null)
  app.addHook('onRequest', async (request) => {
    request.user = null
    const token = bearerToken(request.headers.authorization)
    if (!token) return
    try {
      request.user = await verifier.verify(token)
    } catch (err) {
      failures.set(request, err)
    }
  })
}

/** preHandler: 401 unless the request carries a valid token. */
export async function requireUser(request: FastifyRequest): Promise<void> {
  if (request.user) return
  const failure = failures.get(request)
  // Unauthorized for a bad token, UpstreamUnavailable when keys are unreachable; anything else
  // (the denylist store failing) propagates as is, so the request fails closed.
  if (failure instanceof Error) throw failure
  throw new Unauthorized()
}

/** preHandler factory: 401 without a valid token, 403 when the user lacks the role. */
export function requireRole(role: Role): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    await requireUser(request)
    if (!request.user?.roles.includes(role)) throw new Forbidden(`This needs the ${role} role`)
  }
}
