import type { AuthUser, TokenVerifier } from '@shop/platform/auth'
import { NotFound, Unauthorized } from '@shop/platform/errors'
import type { Cache } from '@shop/platform/ports'
import { createRateLimiter, enforce } from '@shop/platform/rate-limit'
import type { FastifyRequest } from 'fastify'
import { isCredentialRoute, isPublic, upstreamPath } from './routes.ts'

export interface AccessOptions {
  verifier: TokenVerifier
  cache: Cache
  perIpPerMinute: number
  perUserPerMinute: number
  credentialPerIpPerMinute: number
}

declare module 'fastify' {
  interface FastifyRequest {
    upstreamPath?: string
    gatewayUser?: AuthUser
  }
}

/**
 * The gateway's wall in front of every forwarded request: route check, per-IP limit,
 * stricter per-IP limit on credential routes, token check (alg pinned, iss/aud, denylist)
 * for everything that is not public, then a per-user limit.
 */
export function createAccessCheck(opts: AccessOptions) {
  const minute = 60_000
  const perIp = createRateLimiter(opts.cache, { name: 'gw-ip', limit: opts.perIpPerMinute, windowMs: minute })
  const perUser = createRateLimiter(opts.cache, { name: 'gw-user', limit: opts.perUserPerMinute, windowMs: minute })
  const credential = createRateLimiter(opts.cache, {
    name: 'gw-cred',
    limit: opts.credentialPerIpPerMinute,
    windowMs: minute,
  })

  return async function check(req: FastifyRequest): Promise<void> {
    const path = upstreamPath(req.url)
    if (path === null) throw new NotFound(`no route for ${req.method} ${req.url.split('?')[0]}`)
    req.upstreamPath = path
    await enforce(perIp, req.ip)
    const bare = path.split('?')[0] ?? path
    if (isCredentialRoute(req.method, bare)) await enforce(credential, req.ip)
    const header = req.headers.authorization
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header)
      if (!m) throw new Unauthorized('malformed Authorization header')
      req.gatewayUser = await opts.verifier.verify(m[1] as string)
      await enforce(perUser, req.gatewayUser.id)
    } else if (!isPublic(req.method, bare)) {
      throw new Unauthorized()
    }
  }
}
