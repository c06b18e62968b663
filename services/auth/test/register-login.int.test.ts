import { randomUUID } from 'node:crypto'
import { assertValidEvent } from '@shop/contracts'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness, newUser, registerUser } from './helpers.ts'

let h: Harness
beforeAll(async () => {
  h = await createHarness()
})
afterAll(async () => {
  await h?.close()
})

const post = (url: string, payload: unknown) => h.app.inject({ method: 'POST', url, payload: payload as object })

describe('register', () => {
  it('answers 201 with the user, an EdDSA access token carrying the contract claims, and a refresh token', async () => {
    const body = newUser({ phone: '010-1234-5678' })
    const res = await post('/auth/register', body)
    expect(res.statusCode).toBe(201)
    expect(res.headers['cache-control']).toBe('no-store')
    const out = res.json()
    expect(out.user).toEqual({ id: expect.any(String), email: body.email, name: '홍길동', roles: ['customer'] })
    expect(out.expiresIn).toBe(900)
    expect(out.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/)

    const jwks = (await h.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json()
    const { payload, protectedHeader } = await jwtVerify(out.accessToken, createLocalJWKSet(jwks), {
      issuer: 'shop-auth',
      audience: 'shop',
      algorithms: ['EdDSA'],
    })
    expect(protectedHeader.kid).toBe(jwks.keys[0].kid)
    expect(payload.sub).toBe(out.user.id)
    expect(payload.roles).toEqual(['customer'])
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/)
    expect(payload.sid).toMatch(/^[0-9a-f-]{36}$/)
    expect(payload.exp! - payload.iat!).toBe(900)
  })

  it('normalises the email (trim, lower-case), so another spelling of it is 409 conflict', async () => {
    const local = `Kim.${randomUUID().slice(0, 8)}`
    const first = await post('/auth/register', newUser({ email: `  ${local}@Example.COM ` }))
    expect(first.statusCode).toBe(201)
    expect(first.json().user.email).toBe(`${local.toLowerCase()}@example.com`)

    const again = await post('/auth/register', newUser({ email: `${local.toUpperCase()}@example.com` }))
    expect(again.statusCode).toBe(409)
    expect(again.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(again.json()).toMatchObject({ status: 409, code: 'conflict' })
  })

  it('when two registrations of one email race, exactly one gets 201 and the other 409', async () => {
    const body = newUser()
    const answers = await Promise.all([post('/auth/register', body), post('/auth/register', body)])
    expect(answers.map((r) => r.statusCode).sort()).toEqual([201, 409])
  })

  it('when the password is shorter than 10 characters, it is 400 validation_failed naming the password', async () => {
    const res = await post('/auth/register', newUser({ password: 'Abc!1234' }))
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: '/password' }] })
  })

  it('when the password is on the common-password list (any case), it is 400 validation_failed', async () => {
    for (const password of ['1q2w3e4r5t', 'Password123', 'QWERTYUIOP']) {
      const res = await post('/auth/register', newUser({ password }))
      expect(res.statusCode).toBe(400)
      expect(res.json().code).toBe('validation_failed')
      expect(res.json().errors[0]).toMatchObject({ path: '/password', message: expect.stringMatching(/common/) })
    }
  })

  it('when the body carries a field not in the contract (roles), it is 400 and no account is made', async () => {
    const body = newUser({ roles: ['admin'] })
    const res = await post('/auth/register', body)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: '/roles' }] })
    const { rowCount } = await h.db.pool.query('SELECT 1 FROM users WHERE email = $1', [body.email])
    expect(rowCount).toBe(0)
  })

  it('when a required field is missing or the email is not one, it is 400', async () => {
    expect((await post('/auth/register', { email: 'a@b.co', password: 'long enough pass' })).statusCode).toBe(400)
    expect((await post('/auth/register', newUser({ email: 'not-an-email' }))).statusCode).toBe(400)
  })

  it('emits user.registered { userId, email } through the outbox, committed with the account', async () => {
    const out = await registerUser(h.app)
    const { rows } = await h.db.pool.query<{ envelope: unknown; type: string }>(
      `SELECT type, envelope FROM outbox WHERE envelope->'data'->>'userId' = $1`,
      [out.user.id],
    )
    expect(rows).toHaveLength(1)
    expect(rows[0].type).toBe('user.registered')
    assertValidEvent(rows[0].envelope)
    expect(rows[0].envelope).toMatchObject({ source: 'auth', data: { userId: out.user.id, email: out.user.email } })
  })

  it('stores the password as an argon2id hash, never in clear', async () => {
    const out = await registerUser(h.app)
    const { rows } = await h.db.pool.query('SELECT password_hash FROM users WHERE id = $1', [out.user.id])
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=1024,t=2,p=1\$/)
    expect(rows[0].password_hash).not.toContain(out.password)
  })
})

describe('login', () => {
  it('answers 200 with the user and a fresh token pair, whatever the case of the email', async () => {
    const reg = await registerUser(h.app)
    const res = await post('/auth/login', { email: ` ${reg.user.email.toUpperCase()}`, password: reg.password })
    expect(res.statusCode).toBe(200)
    const out = res.json()
    expect(out.user).toEqual(reg.user)
    expect(out.expiresIn).toBe(900)
    expect(out.accessToken).not.toBe(reg.accessToken)
    expect(out.refreshToken).not.toBe(reg.refreshToken)
  })

  it('an unknown email and a wrong password get the same 401 body', async () => {
    const reg = await registerUser(h.app)
    const wrong = await post('/auth/login', { email: reg.user.email, password: 'not the password at all' })
    const unknown = await post('/auth/login', { email: `nobody-${randomUUID()}@example.com`, password: reg.password })
    expect(wrong.statusCode).toBe(401)
    expect(unknown.statusCode).toBe(401)
    expect(unknown.body).toBe(wrong.body)
    expect(wrong.json()).toMatchObject({ code: 'unauthorized', status: 401 })
  })

  it('when the body carries an unknown field, it is 400', async () => {
    const res = await post('/auth/login', { email: 'a@example.com', password: 'whatever123', remember: true })
    expect(res.statusCode).toBe(400)
  })
})

describe('argon2 on its default parameters', () => {
  it('hashes with m=19456 KiB, t=2, p=1 and upgrades a weaker stored hash at the next login', async () => {
    const reg = await registerUser(h.app)
    const strong = await h.another({ ...h.env, ARGON2_MEMORY_KIB: undefined })
    const created = await strong.inject({ method: 'POST', url: '/auth/register', payload: newUser() })
    expect(created.statusCode).toBe(201)
    const hashOf = async (id: string) =>
      (await h.db.pool.query('SELECT password_hash FROM users WHERE id = $1', [id])).rows[0].password_hash as string
    expect(await hashOf(created.json().user.id)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)

    const res = await strong.inject({ method: 'POST', url: '/auth/login', payload: { email: reg.user.email, password: reg.password } })
    expect(res.statusCode).toBe(200)
    expect(await hashOf(reg.user.id)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
  })
})

describe('JWKS', () => {
  it('is served at /.well-known/jwks.json and /auth/.well-known/jwks.json and lists the kid of issued tokens', async () => {
    const reg = await registerUser(h.app)
    const kid = decodeProtectedHeader(reg.accessToken).kid
    for (const url of ['/.well-known/jwks.json', '/auth/.well-known/jwks.json']) {
      const res = await h.app.inject({ method: 'GET', url })
      expect(res.statusCode).toBe(200)
      const keys = res.json().keys as Record<string, string>[]
      expect(keys.map((k) => k.kid)).toContain(kid)
      expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' })
      expect(keys[0]).not.toHaveProperty('d')
    }
  })
})
