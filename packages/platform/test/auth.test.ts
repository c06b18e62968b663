import { createHmac, randomUUID } from 'node:crypto'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTokenVerifier,
  denyToken,
  isAdmin,
  isDenied,
  registerAuth,
  requireRole,
  requireUser,
  type TokenVerifier,
} from '@shop/platform/auth'
import { createMemoryCache } from '@shop/platform/cache-memory'
import { DomainError, toProblem, Unauthorized, UpstreamUnavailable } from '@shop/platform/errors'
import { createTestIssuer, type JwksServer, serveJwks, type TestIssuer } from '@shop/platform/testing-auth'

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')
const parts = (token: string) => {
  const [h, p, s] = token.split('.')
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString()), payload: JSON.parse(Buffer.from(p, 'base64url').toString()), h, p, s }
}

async function expectUnauthorized(p: Promise<unknown>): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(Unauthorized)
  // The answer never says which check failed.
  expect((err as Unauthorized).detail).toBe('invalid or expired token')
}

let issuer: TestIssuer
let server: JwksServer
let verifier: TokenVerifier
const cache = createMemoryCache()

beforeAll(async () => {
  issuer = await createTestIssuer({ issuer: 'https://auth.test', audience: 'shop-test' })
  server = await serveJwks(issuer.jwks)
  verifier = createTokenVerifier({ jwksUrl: server.url, issuer: issuer.issuer, audience: issuer.audience, denylist: cache })
})

afterAll(async () => {
  await server.close()
  await cache.close()
})

describe('createTokenVerifier (remote JWKS)', () => {
  it('a valid token verifies into an AuthUser, and the JWKS is fetched once and cached', async () => {
    const userId = randomUUID()
    const token = await issuer.sign({ sub: userId, roles: ['customer', 'admin', 'superuser'], jti: 'jti-valid' })
    const user = await verifier.verify(token)
    expect(user).toMatchObject({ id: userId, roles: ['customer', 'admin'], jti: 'jti-valid', token })
    expect(user.exp).toBeGreaterThan(Date.now() / 1000)
    expect(isAdmin(user)).toBe(true)
    await verifier.verify(await issuer.tokenFor(randomUUID()))
    expect(server.hits()).toBe(1)
  })

  it('an alg:none token is rejected', async () => {
    const { payload } = parts(await issuer.tokenFor(randomUUID(), ['admin']))
    await expectUnauthorized(verifier.verify(`${b64({ alg: 'none', typ: 'JWT', kid: issuer.kid })}.${b64(payload)}.`))
  })

  it('an HS256 token keyed with the public key is rejected', async () => {
    const { payload } = parts(await issuer.tokenFor(randomUUID(), ['admin']))
    const signingInput = `${b64({ alg: 'HS256', typ: 'JWT', kid: issuer.kid })}.${b64(payload)}`
    const secret = Buffer.from(String(issuer.jwks.keys[0].x), 'base64url')
    const sig = createHmac('sha256', secret).update(signingInput).digest('base64url')
    await expectUnauthorized(verifier.verify(`${signingInput}.${sig}`))
  })

  it('a token signed by another key under the same kid is rejected', async () => {
    const impostor = await createTestIssuer({ issuer: issuer.issuer, audience: issuer.audience })
    await expectUnauthorized(verifier.verify(await impostor.sign({ sub: randomUUID(), roles: ['admin'], kid: issuer.kid })))
  })

  it('a token whose kid is not in the JWKS is rejected', async () => {
    const stranger = await createTestIssuer({ issuer: issuer.issuer, audience: issuer.audience })
    await expectUnauthorized(verifier.verify(await stranger.tokenFor(randomUUID())))
  })

  it('tampered claims (payload edited, signature kept) are rejected', async () => {
    const { h, payload, s } = parts(await issuer.tokenFor(randomUUID(), ['customer']))
    await expectUnauthorized(verifier.verify(`${h}.${b64({ ...payload, roles: ['admin'] })}.${s}`))
  })

  it('a wrong audience, a wrong issuer and an expired token are rejected', async () => {
    await expectUnauthorized(verifier.verify(await issuer.sign({ sub: randomUUID(), aud: 'another-app' })))
    await expectUnauthorized(verifier.verify(await issuer.sign({ sub: randomUUID(), iss: 'https://evil.test' })))
    await expectUnauthorized(verifier.verify(await issuer.sign({ sub: randomUUID(), expiresInSec: -60 })))
  })

  it('garbage and empty tokens are rejected', async () => {
    await expectUnauthorized(verifier.verify(''))
    await expectUnauthorized(verifier.verify('not.a.jwt'))
  })

  it('a denylisted jti is rejected until the token expires', async () => {
    const jti = randomUUID()
    const token = await issuer.sign({ sub: randomUUID(), jti, expiresInSec: 120 })
    const user = await verifier.verify(token)
    expect(await isDenied(cache, jti)).toBe(false)
    await denyToken(cache, jti, user.exp)
    expect(await isDenied(cache, jti)).toBe(true)
    expect(await cache.get(`denylist:jti:${jti}`)).not.toBeNull()
    await expectUnauthorized(verifier.verify(token))
    // A token already past expiry (and the tolerance margin) needs no entry.
    await denyToken(cache, 'long-gone', Math.floor(Date.now() / 1000) - 3600)
    expect(await isDenied(cache, 'long-gone')).toBe(false)
  })

  it('a local JWKS works the same way', async () => {
    const local = createTokenVerifier({ jwks: issuer.jwks, issuer: issuer.issuer, audience: issuer.audience })
    expect((await local.verify(await issuer.tokenFor('u1'))).id).toBe('u1')
    await expectUnauthorized(local.verify(await issuer.sign({ sub: 'u1', aud: 'nope' })))
  })

  it('an unreachable JWKS is an outage (503 UpstreamUnavailable), not a bad token', async () => {
    const gone = await serveJwks(issuer.jwks)
    await gone.close()
    const v = createTokenVerifier({ jwksUrl: gone.url, issuer: issuer.issuer, audience: issuer.audience })
    await expect(v.verify(await issuer.tokenFor('u1'))).rejects.toBeInstanceOf(UpstreamUnavailable)
  })

  it('refuses to be configured with none or a symmetric algorithm, or without keys', () => {
    expect(() => createTokenVerifier({ jwks: issuer.jwks, issuer: 'i', audience: 'a', algorithms: ['HS256'] })).toThrow(/refused/)
    expect(() => createTokenVerifier({ jwks: issuer.jwks, issuer: 'i', audience: 'a', algorithms: ['none'] })).toThrow(/refused/)
    expect(() => createTokenVerifier({ issuer: 'i', audience: 'a' })).toThrow(/jwksUrl or jwks/)
  })
})

describe('Fastify guards', () => {
  let app: FastifyInstance

  beforeAll(async () => {
    const f = Fastify().withTypeProvider<TypeBoxTypeProvider>()
    f.setErrorHandler((err, _req, reply) => {
      if (err instanceof DomainError) {
        return reply.code(err.status).headers(err.headers ?? {}).type('application/problem+json').send(toProblem(err))
      }
      return reply.code(500).send({ code: 'internal' })
    })
    registerAuth(f, verifier)
    f.get('/admin/things', { preHandler: requireRole('admin') }, async (req) => ({ by: req.user?.id }))
    f.get('/me', { onRequest: requireUser }, async (req) => ({ id: req.user?.id, roles: req.user?.roles }))
    f.post(
      '/typed',
      { schema: { body: Type.Object({ n: Type.Integer() }) }, preHandler: [requireUser] },
      async (req) => ({ n: req.body.n, by: req.user?.id }),
    )
    f.get('/public', async (req) => ({ user: req.user?.id ?? null }))
    await f.ready()
    app = f
  })

  afterAll(() => app.close())

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

  it('requireRole(admin): no token → 401, customer → 403, admin → 200', async () => {
    const none = await app.inject({ method: 'GET', url: '/admin/things' })
    expect(none.statusCode).toBe(401)
    expect(none.json()).toMatchObject({ code: 'unauthorized' })

    const customer = await app.inject({ method: 'GET', url: '/admin/things', headers: bearer(await issuer.tokenFor('c1', ['customer'])) })
    expect(customer.statusCode).toBe(403)
    expect(customer.json()).toMatchObject({ code: 'forbidden' })

    const admin = await app.inject({ method: 'GET', url: '/admin/things', headers: bearer(await issuer.tokenFor('a1', ['admin'])) })
    expect(admin.statusCode).toBe(200)
    expect(admin.json()).toEqual({ by: 'a1' })
  })

  it('an invalid or expired token on a guarded route → 401 with the generic detail', async () => {
    const expired = await issuer.sign({ sub: 'a1', roles: ['admin'], expiresInSec: -60 })
    const res = await app.inject({ method: 'GET', url: '/admin/things', headers: bearer(expired) })
    expect(res.statusCode).toBe(401)
    expect(res.json()).toMatchObject({ code: 'unauthorized', detail: 'invalid or expired token' })
    const basic = await app.inject({ method: 'GET', url: '/me', headers: { authorization: 'Basic dTpw' } })
    expect(basic.statusCode).toBe(401)
  })

  it('requireUser works as onRequest and preHandler, and request.user carries the verified claims', async () => {
    const me = await app.inject({ method: 'GET', url: '/me', headers: bearer(await issuer.tokenFor('c2', ['customer'])) })
    expect(me.statusCode).toBe(200)
    expect(me.json()).toEqual({ id: 'c2', roles: ['customer'] })

    const typed = await app.inject({ method: 'POST', url: '/typed', payload: { n: 3 }, headers: bearer(await issuer.tokenFor('c3')) })
    expect(typed.json()).toEqual({ n: 3, by: 'c3' })
    expect((await app.inject({ method: 'POST', url: '/typed', payload: { n: 3 } })).statusCode).toBe(401)
  })

  it('public routes see request.user when a valid token is sent and null otherwise', async () => {
    const anon = await app.inject({ method: 'GET', url: '/public' })
    expect(anon.json()).toEqual({ user: null })
    const bad = await app.inject({ method: 'GET', url: '/public', headers: bearer('bogus') })
    expect(bad.statusCode).toBe(200)
    expect(bad.json()).toEqual({ user: null })
    const known = await app.inject({ method: 'GET', url: '/public', headers: bearer(await issuer.tokenFor('c4')) })
    expect(known.json()).toEqual({ user: 'c4' })
  })

  it('a logged-out (denylisted) token stops working on guarded routes at once', async () => {
    const token = await issuer.tokenFor('c5')
    expect((await app.inject({ method: 'GET', url: '/me', headers: bearer(token) })).statusCode).toBe(200)
    const user = await verifier.verify(token)
    await denyToken(cache, user.jti, user.exp)
    expect((await app.inject({ method: 'GET', url: '/me', headers: bearer(token) })).statusCode).toBe(401)
  })
})

describe('the verified-token memory', () => {
  it('answers a repeated token without fetching keys again, still refuses it once denylisted, and never past its exp', async () => {
    const issuer = await createTestIssuer()
    const jwks = await serveJwks(issuer.jwks)
    const denylist = createMemoryCache()
    const verifier = createTokenVerifier({ jwksUrl: jwks.url, issuer: issuer.issuer, audience: issuer.audience, denylist })
    const jti = '6f1d2b3c-8c4b-4c58-9a7e-0b6f3f1e4d5e'
    const token = await issuer.sign({ sub: 'user-1', jti })
    expect((await verifier.verify(token)).id).toBe('user-1')
    await jwks.close() // keys no longer reachable: only the memory can answer now
    expect((await verifier.verify(token)).jti).toBe(jti)
    await denyToken(denylist, jti, Math.floor(Date.now() / 1000) + 900)
    await expect(verifier.verify(token)).rejects.toMatchObject({ status: 401 })
    const shortLived = await issuer.sign({ sub: 'user-2', expiresInSec: 1 })
    const jwks2 = await serveJwks(issuer.jwks)
    const v2 = createTokenVerifier({ jwksUrl: jwks2.url, issuer: issuer.issuer, audience: issuer.audience, clockToleranceSec: 0 })
    expect((await v2.verify(shortLived)).id).toBe('user-2')
    await new Promise((r) => setTimeout(r, 1100))
    await expect(v2.verify(shortLived)).rejects.toMatchObject({ status: 401 })
    await jwks2.close()
    await denylist.close()
  })
})
