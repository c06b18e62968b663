import type { UserList } from '@shop/contracts/auth'
import { uniqueName } from '@shop/platform/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createHarness, type Harness, registerUser } from './helpers.ts'

const ADMIN_EMAIL = 'owner@shop.example'
const ADMIN_PASSWORD = 'a long bootstrap secret 42'

let h: Harness
let adminToken: string
beforeAll(async () => {
  h = await createHarness({ env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD } })
  adminToken = (await login(ADMIN_EMAIL, ADMIN_PASSWORD)).json().accessToken
})
afterAll(async () => {
  await h?.close()
})

const login = (email: string, password: string) => h.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } })
const profile = (token: string) => h.app.inject({ method: 'GET', url: '/auth/profile', headers: bearer(token) })
const changePassword = (token: string, payload: object) => h.app.inject({ method: 'PUT', url: '/auth/password', headers: bearer(token), payload })

describe('PUT /auth/password', () => {
  it('with the current password: 204, the new one signs in, the old one no longer does, and only this session goes on', async () => {
    const reg = await registerUser(h.app)
    const other = (await login(reg.user.email, reg.password)).json()
    const newPassword = 'another quite long passphrase'
    const res = await changePassword(reg.accessToken, { currentPassword: reg.password, newPassword })
    expect(res.statusCode).toBe(204)

    expect((await login(reg.user.email, reg.password)).statusCode).toBe(401)
    expect((await login(reg.user.email, newPassword)).statusCode).toBe(200)
    // This session: its access and refresh tokens still work.
    expect((await profile(reg.accessToken)).statusCode).toBe(200)
    expect((await h.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: reg.refreshToken } })).statusCode).toBe(200)
    // The other session: signed out at once, its access token and its refresh token alike.
    expect((await profile(other.accessToken)).statusCode).toBe(401)
    expect((await h.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: other.refreshToken } })).statusCode).toBe(401)
    // Other services, which check the token against the shared denylist, refuse it too.
    const verifier = await h.verifier()
    await expect(verifier.verify(other.accessToken)).rejects.toThrow()
    await expect(verifier.verify(reg.accessToken)).resolves.toMatchObject({ id: reg.user.id })
  })

  it('a wrong current password is 401 and changes nothing', async () => {
    const reg = await registerUser(h.app)
    const res = await changePassword(reg.accessToken, { currentPassword: 'not the password at all', newPassword: 'another quite long passphrase' })
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('unauthorized')
    expect((await login(reg.user.email, reg.password)).statusCode).toBe(200)
  })

  it('a new password that registration would refuse is 400 validation_failed at /newPassword', async () => {
    const reg = await registerUser(h.app)
    for (const newPassword of ['short', 'password123', reg.user.email]) {
      const res = await changePassword(reg.accessToken, { currentPassword: reg.password, newPassword })
      expect(res.statusCode, newPassword).toBe(400)
      expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: '/newPassword' }] })
    }
    const extra = await changePassword(reg.accessToken, { currentPassword: reg.password, newPassword: 'another quite long passphrase', x: 1 })
    expect(extra.statusCode).toBe(400)
    expect((await login(reg.user.email, reg.password)).statusCode).toBe(200)
  })

  it('without a token it is 401', async () => {
    const res = await h.app.inject({ method: 'PUT', url: '/auth/password', payload: { currentPassword: 'a', newPassword: 'b' } })
    expect(res.statusCode).toBe(401)
  })
})

describe('GET /auth/users', () => {
  const list = async (query: string, token = adminToken) => h.app.inject({ method: 'GET', url: `/auth/users${query}`, headers: bearer(token) })

  it('finds users by part of their email, newest first, names masked, paged by cursor without repeats', async () => {
    const tag = uniqueName('kim').toLowerCase()
    const made = []
    for (let i = 0; i < 3; i++) made.push(await registerUser(h.app, { email: `${tag}.${i}@example.com`, name: '김영희' }))
    await registerUser(h.app, { email: `${uniqueName('lee')}@example.com` })
    const first = await list(`?q=${tag.slice(2).toUpperCase()}&limit=2`)
    expect(first.statusCode).toBe(200)
    const page1 = first.json() as UserList
    expect(page1.items).toEqual([
      { id: made[2].user.id, email: `${tag}.2@example.com`, name: '김*희', roles: ['customer'], createdAt: expect.any(String) },
      { id: made[1].user.id, email: `${tag}.1@example.com`, name: '김*희', roles: ['customer'], createdAt: expect.any(String) },
    ])
    const page2 = (await list(`?q=${tag}&limit=2&cursor=${page1.nextCursor}`)).json() as UserList
    expect(page2.items.map((u) => u.id)).toEqual([made[0].user.id])
    expect(page2.nextCursor).toBeNull()
  })

  it('LIKE wildcards in q are plain characters', async () => {
    expect(((await list('?q=%25')).json() as UserList).items).toEqual([])
    const underscored = ((await list('?q=_&limit=100')).json() as UserList).items.map((u) => u.email)
    expect(underscored.length).toBeGreaterThan(0)
    expect(underscored.every((e) => e.includes('_'))).toBe(true)
    expect(underscored).not.toContain(ADMIN_EMAIL)
  })

  it('the role filter lists only holders of that role', async () => {
    const admins = (await list('?role=admin')).json() as UserList
    expect(admins.items.map((u) => u.email)).toEqual([ADMIN_EMAIL])
  })

  it('a customer is refused with 403, a foreign cursor is 400', async () => {
    const reg = await registerUser(h.app)
    expect((await list('', reg.accessToken)).statusCode).toBe(403)
    const bad = await list('?cursor=bm9wZQ')
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'cursor' }] })
  })
})
