import { REFRESH_TOKEN_TTL_SECONDS } from '@shop/contracts/auth'
import { Unauthorized, ValidationFailed } from '@shop/platform/errors'
import type { FastifyRequest } from 'fastify'
import type { BodyExchange } from './proxy.ts'

/**
 * The refresh token of a web client kept in an HttpOnly cookie instead of the page's
 * storage (DESIGN.md "Clients": a script injected into the page cannot read it, so it
 * cannot carry a sign-in away). A client asks for it with the header below on its auth
 * calls; without the header every auth route answers exactly as API.md says.
 *
 * With the header, the answers of login, register and refresh set the cookie and leave
 * `refreshToken` out of the body (a script that could read it there could also call
 * refresh and read the next one); refresh and logout without a `refreshToken` in their
 * body are sent on with the cookie's; logout and a refused refresh clear the cookie.
 * The cookie is SameSite=Strict and scoped to `/v1/auth`, so no other site's page and
 * no other route ever sends it; asking for it takes a header, which another site's page
 * cannot add without CORS allowing it (it is not in the allowed headers).
 */

export const SESSION_COOKIE_HEADER = 'x-refresh-cookie'
export const SESSION_COOKIE = 'shop_refresh'
const COOKIE_PATH = '/v1/auth'
const ROUTE = /^\/auth\/(login|register|refresh|logout)$/

/** The exchange for a request that asked for the cookie on an auth route; undefined for every other request. */
export function cookieExchange(req: FastifyRequest): BodyExchange | undefined {
  if (req.method !== 'POST' || req.headers[SESSION_COOKIE_HEADER] !== '1') return undefined
  const path = (req.upstreamPath ?? '').split('?')[0] ?? ''
  const route = ROUTE.exec(path)?.[1]
  if (!route) return undefined
  const secure = isSecure(req)
  const sent = req.body as Buffer | undefined
  let body = sent
  if (route === 'refresh' || route === 'logout') {
    const parsed = jsonObject(sent)
    if (!parsed) throw new ValidationFailed([{ path: '', message: 'the body must be a JSON object' }])
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE)
    if (parsed.refreshToken === undefined && cookie !== undefined) {
      body = Buffer.from(JSON.stringify({ ...parsed, refreshToken: cookie }))
      req.headers['content-type'] = 'application/json'
    }
    else if (parsed.refreshToken === undefined && route === 'refresh') throw new Unauthorized('No refresh token; sign in again')
  }
  // The answer is read and rewritten here: it must come as plain JSON.
  delete req.headers['accept-encoding']
  return {
    body,
    answer(status, answer, reply) {
      if (route === 'logout' || (route === 'refresh' && (status === 401 || status === 400))) {
        reply.header('set-cookie', clearCookie(secure))
        return answer
      }
      if (status < 200 || status >= 300) return answer
      const parsed = jsonObject(answer)
      if (typeof parsed?.refreshToken !== 'string') return answer
      const { refreshToken, ...rest } = parsed
      reply.header('set-cookie', setCookie(refreshToken, secure))
      return Buffer.from(JSON.stringify(rest))
    },
  }
}

/** The body as a JSON object ({} when empty); undefined when it is not one. */
function jsonObject(body: Buffer | undefined): Record<string, unknown> | undefined {
  if (!body || body.length === 0) return {}
  try {
    const value: unknown = JSON.parse(body.toString('utf8'))
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** One cookie's value from a Cookie header (RFC 6265 §5.4: `name=value` pairs joined by `; `). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue
    const raw = pair.slice(eq + 1).trim()
    try {
      const value = decodeURIComponent(raw)
      return value.length > 0 ? value : undefined
    } catch {
      return undefined
    }
  }
  return undefined
}

// Browsers keep a Secure cookie only from a secure origin, and count http://localhost as one.
// A shop tried over plain http on another address (a phone on the LAN) gets it without Secure:
// there the token crosses the network in clear either way.
function isSecure(req: FastifyRequest): boolean {
  return req.protocol === 'https' || ['localhost', '127.0.0.1', '[::1]'].includes(req.hostname)
}

const attributes = (secure: boolean): string => `Path=${COOKIE_PATH}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`

function setCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Max-Age=${REFRESH_TOKEN_TTL_SECONDS}; ${attributes(secure)}`
}

function clearCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Max-Age=0; ${attributes(secure)}`
}
