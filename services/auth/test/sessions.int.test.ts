import { createHash } from 'node:crypto'
import { createTokenVerifier } from '@shop/platform/auth'
import { DomainError } from '@shop/platform/errors'
import { createLogger } from '@shop/platform/logger'
import { eventually } from '@shop/platform/testing'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionPurgeWorker } from '../src/session-purge.worker.ts'
import { bearer, createHarness, type Harness, registerUser } from './helpers.ts'

let h: Harness
beforeAll(async () => {
  h = await createHarness()
})
afterAll(async () => {
  await h?.close()
})

const refresh = (refreshToken: string) => h.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken } })
const profile = (token: string) => h.app.inject({ method: 'GET', url: '/auth/profile', headers: bearer(token) })

async function rejection(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(() => null, (e: unknown) => e)
  if (!(err instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(err)}`)
  return err
}

describe('refresh', () => {
  it('rotates: a new pair in the same session, and the refresh token is stored only as its SHA-256', async () => {
    const reg = await registerUser(h.app)
    const res = await refresh(reg.refreshToken)
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    const out = res.json()
    expect(Object.keys(out).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken'])
    expect(out.expiresIn).toBe(900)
    expect(out.refreshToken).not.toBe(reg.refreshToken)
    expect(decodeJwt(out.accessToken).sid).toBe(decodeJwt(reg.accessToken).sid)
    expect((await profile(out.accessToken)).statusCode).toBe(200)

    const sha = createHash('sha256').update(out.refreshToken).digest()
    const { rows } = await h.db.pool.query('SELECT token_hash, used_at FROM refresh_tokens WHERE user_id = $1', [reg.user.id])
    expect(rows).toHaveLength(2)
    expect(rows.some((r) => Buffer.compare(r.token_hash, sha) === 0 && r.used_at === null)).toBe(true)
    const dump = JSON.stringify((await h.db.pool.query('SELECT * FROM refresh_tokens')).rows)
    expect(dump).not.toContain(out.refreshToken)
  })

  it('when a used refresh token comes back, it is 401 and the whole family dies: the newest refresh and access tokens too', async () => {
    const reg = await registerUser(h.app)
    const second = (await refresh(reg.refreshToken)).json()
    const third = (await refresh(second.refreshToken)).json()
    expect((await profile(third.accessToken)).statusCode).toBe(200)

    const replay = await refresh(reg.refreshToken)
    expect(replay.statusCode).toBe(401)
    expect(replay.json().code).toBe('unauthorized')
    expect((await refresh(third.refreshToken)).statusCode).toBe(401)
    expect((await profile(third.accessToken)).statusCode).toBe(401)
    const { rows } = await h.db.pool.query('SELECT revoked_reason FROM refresh_families WHERE user_id = $1', [reg.user.id])
    expect(rows).toEqual([{ revoked_reason: 'reuse' }])
  })

  it('revoking one session on reuse leaves the same user’s other sessions working', async () => {
    const reg = await registerUser(h.app)
    const other = (await h.app.inject({ method: 'POST', url: '/auth/login', payload: { email: reg.user.email, password: reg.password } })).json()
    await refresh(reg.refreshToken)
    expect((await refresh(reg.refreshToken)).statusCode).toBe(401)
    expect((await refresh(other.refreshToken)).statusCode).toBe(200)
  })

  it('when two refreshes race with one token, one wins and the other counts as reuse, revoking the winner’s tokens', async () => {
    const reg = await registerUser(h.app)
    const answers = await Promise.all([refresh(reg.refreshToken), refresh(reg.refreshToken)])
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 401])
    const winner = answers.find((r) => r.statusCode === 200)!.json()
    expect((await refresh(winner.refreshToken)).statusCode).toBe(401)
    expect((await profile(winner.accessToken)).statusCode).toBe(401)
  })

  it('an unknown, malformed or expired refresh token is 401 (and an empty one 400)', async () => {
    expect((await refresh('x'.repeat(43))).statusCode).toBe(401)
    const reg = await registerUser(h.app)
    await h.db.pool.query(`UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [reg.user.id])
    expect((await refresh(reg.refreshToken)).statusCode).toBe(401)
    expect((await refresh('')).statusCode).toBe(400)
  })
})

describe('logout', () => {
  it('answers 204; then a verifier over the served JWKS with the same denylist rejects the access token, and the refresh fails', async () => {
    const reg = await registerUser(h.app)
    const verifier = await h.verifier()
    await expect(verifier.verify(reg.accessToken)).resolves.toMatchObject({ id: reg.user.id, roles: ['customer'] })

    const res = await h.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(reg.accessToken), payload: { refreshToken: reg.refreshToken } })
    expect(res.statusCode).toBe(204)
    expect(res.body).toBe('')
    expect((await rejection(verifier.verify(reg.accessToken))).status).toBe(401)
    expect((await profile(reg.accessToken)).statusCode).toBe(401)
    expect((await refresh(reg.refreshToken)).statusCode).toBe(401)
  })

  it('also works over the network: a remote verifier fetching this app’s JWKS rejects the logged-out token', async () => {
    const app = await h.another()
    const address = await app.listen({ host: '127.0.0.1', port: 0 })
    const remote = createTokenVerifier({ jwksUrl: `${address}/.well-known/jwks.json`, issuer: 'shop-auth', audience: 'shop', denylist: h.cache })
    const reg = await registerUser(app)
    await expect(remote.verify(reg.accessToken)).resolves.toMatchObject({ id: reg.user.id })
    await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(reg.accessToken) })
    expect((await rejection(remote.verify(reg.accessToken))).code).toBe('unauthorized')
  })

  it('without a body, it revokes the session named by the token’s sid', async () => {
    const reg = await registerUser(h.app)
    const rotated = (await refresh(reg.refreshToken)).json()
    const res = await h.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(rotated.accessToken) })
    expect(res.statusCode).toBe(204)
    expect((await refresh(rotated.refreshToken)).statusCode).toBe(401)
    // The session's earlier access token is not denylisted, but the session is gone for refresh.
    const { rows } = await h.db.pool.query('SELECT revoked_reason FROM refresh_families WHERE user_id = $1', [reg.user.id])
    expect(rows).toEqual([{ revoked_reason: 'logout' }])
  })

  it('with the refresh token of another of the caller’s sessions, both sessions end', async () => {
    const reg = await registerUser(h.app)
    const other = (await h.app.inject({ method: 'POST', url: '/auth/login', payload: { email: reg.user.email, password: reg.password } })).json()
    await h.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(reg.accessToken), payload: { refreshToken: other.refreshToken } })
    expect((await refresh(other.refreshToken)).statusCode).toBe(401)
    expect((await profile(other.accessToken)).statusCode).toBe(401)
    expect((await refresh(reg.refreshToken)).statusCode).toBe(401)
  })

  it('someone else’s refresh token sent to logout is left alone', async () => {
    const me = await registerUser(h.app)
    const them = await registerUser(h.app)
    await h.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(me.accessToken), payload: { refreshToken: them.refreshToken } })
    expect((await refresh(them.refreshToken)).statusCode).toBe(200)
  })

  it('without a valid access token it is 401 and nothing is revoked', async () => {
    const reg = await registerUser(h.app)
    const none = await h.app.inject({ method: 'POST', url: '/auth/logout', payload: { refreshToken: reg.refreshToken } })
    expect(none.statusCode).toBe(401)
    const bad = await h.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(`${reg.accessToken}x`) })
    expect(bad.statusCode).toBe(401)
    expect((await refresh(reg.refreshToken)).statusCode).toBe(200)
  })
})

describe('session purge', () => {
  it('the worker deletes expired refresh tokens and the sessions left with nothing, and keeps live ones', async () => {
    const stale = await registerUser(h.app)
    const live = await registerUser(h.app)
    await h.db.pool.query(`UPDATE refresh_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = $1`, [stale.user.id])
    await h.db.pool.query(`UPDATE refresh_families SET access_exp = now() - interval '1 minute' WHERE user_id = $1`, [stale.user.id])
    const count = async (table: string, userId: string) =>
      (await h.db.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE user_id = $1`, [userId])).rows[0].n as number

    const worker = sessionPurgeWorker(h.db.pool, createLogger({ service: 'auth', level: 'silent' }), 20)
    worker.start()
    try {
      await eventually(async () => (await count('refresh_families', stale.user.id)) === 0, { timeoutMs: 5000 })
    } finally {
      await worker.stop()
    }
    expect(await count('refresh_tokens', stale.user.id)).toBe(0)
    expect(await count('refresh_tokens', live.user.id)).toBe(1)
    expect(await count('refresh_families', live.user.id)).toBe(1)
    expect((await refresh(live.refreshToken)).statusCode).toBe(200)
  })
})
