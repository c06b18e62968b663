import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createHarness, type Harness, registerUser } from './helpers.ts'

const ADMIN_EMAIL = 'Boss@Shop.Example'
const ADMIN_PASSWORD = 'a long bootstrap secret 42'

let h: Harness
beforeAll(async () => {
  h = await createHarness({ env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD } })
})
afterAll(async () => {
  await h?.close()
})

const address = {
  label: '집',
  recipient: '김영희',
  phone: '010-9876-5432',
  postalCode: '06236',
  address1: '서울특별시 강남구 테헤란로 152',
  address2: '강남파이낸스센터 21층',
}

async function adminToken(): Promise<string> {
  const res = await h.app.inject({ method: 'POST', url: '/auth/login', payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })
  expect(res.statusCode).toBe(200)
  return res.json().accessToken
}

const putRoles = (token: string, id: string, payload: unknown) =>
  h.app.inject({ method: 'PUT', url: `/auth/users/${id}/roles`, headers: bearer(token), payload: payload as object })

describe('profile', () => {
  it('GET answers the owner’s profile in clear, with no phone and no addresses yet', async () => {
    const reg = await registerUser(h.app)
    const res = await h.app.inject({ method: 'GET', url: '/auth/profile', headers: bearer(reg.accessToken) })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      id: reg.user.id,
      email: reg.user.email,
      name: '홍길동',
      phone: null,
      roles: ['customer'],
      addresses: [],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    })
  })

  it('PUT replaces name, phone and addresses, answers them in clear, and GET shows the same', async () => {
    const reg = await registerUser(h.app, { phone: '010-1111-2222' })
    const put = await h.app.inject({
      method: 'PUT',
      url: '/auth/profile',
      headers: bearer(reg.accessToken),
      payload: { name: '홍길순', phone: '010-5555-6666', addresses: [address] },
    })
    expect(put.statusCode).toBe(200)
    expect(put.json()).toMatchObject({ name: '홍길순', phone: '010-5555-6666', addresses: [address] })
    const got = await h.app.inject({ method: 'GET', url: '/auth/profile', headers: bearer(reg.accessToken) })
    expect(got.json()).toEqual(put.json())

    const cleared = await h.app.inject({ method: 'PUT', url: '/auth/profile', headers: bearer(reg.accessToken), payload: { phone: null } })
    expect(cleared.json()).toMatchObject({ name: '홍길순', phone: null, addresses: [address] })
  })

  it('keeps name, phone and addresses encrypted at rest: the database row shows none of them', async () => {
    const reg = await registerUser(h.app, { name: '박서준', phone: '010-2468-1357' })
    await h.app.inject({ method: 'PUT', url: '/auth/profile', headers: bearer(reg.accessToken), payload: { addresses: [address] } })
    const { rows } = await h.db.pool.query('SELECT u::text AS row, name_enc FROM users u WHERE id = $1', [reg.user.id])
    const row = rows[0].row as string
    for (const clear of ['박서준', '010-2468-1357', '01024681357', '2468', '김영희', '010-9876-5432', '테헤란로', '06236', '강남']) {
      expect(row).not.toContain(clear)
    }
    expect(rows[0].name_enc).toMatch(/^v1\.t1\./)
    expect(row).toContain(reg.user.email)
  })

  it('refuses unknown fields and bad addresses with 400, and a missing token with 401', async () => {
    const reg = await registerUser(h.app)
    const put = (payload: object) => h.app.inject({ method: 'PUT', url: '/auth/profile', headers: bearer(reg.accessToken), payload })
    expect((await put({ email: 'new@example.com' })).statusCode).toBe(400)
    expect((await put({ roles: ['admin'] })).statusCode).toBe(400)
    expect((await put({ addresses: [{ ...address, postalCode: '1234' }] })).statusCode).toBe(400)
    expect((await put({ addresses: [{ ...address, extra: 1 }] })).statusCode).toBe(400)
    expect((await h.app.inject({ method: 'GET', url: '/auth/profile' })).statusCode).toBe(401)
  })
})

describe('roles', () => {
  it('the bootstrapped admin exists with customer and admin roles', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/auth/login', payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })
    expect(res.json().user).toMatchObject({ email: 'boss@shop.example', name: 'Administrator', roles: ['customer', 'admin'] })
  })

  it('a customer changing roles gets 403 forbidden', async () => {
    const me = await registerUser(h.app)
    const res = await putRoles(me.accessToken, me.user.id, { roles: ['customer', 'admin'] })
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('forbidden')
    expect((await putRoles('', me.user.id, { roles: ['admin'] })).statusCode).toBe(401)
  })

  it('an admin gets 200 { id, roles }; the user’s current token stops working and a refresh carries the new roles', async () => {
    const user = await registerUser(h.app)
    const res = await putRoles(await adminToken(), user.user.id, { roles: ['admin', 'customer'] })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ id: user.user.id, roles: ['customer', 'admin'] })
    expect((await h.app.inject({ method: 'GET', url: '/auth/profile', headers: bearer(user.accessToken) })).statusCode).toBe(401)
    const refreshed = await h.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: user.refreshToken } })
    const profile = await h.app.inject({ method: 'GET', url: '/auth/profile', headers: bearer(refreshed.json().accessToken) })
    expect(profile.json().roles).toEqual(['customer', 'admin'])
  })

  it('an unknown user is 404, a malformed id or role list is 400', async () => {
    const token = await adminToken()
    expect((await putRoles(token, randomUUID(), { roles: ['customer'] })).statusCode).toBe(404)
    const user = await registerUser(h.app)
    for (const roles of [[], ['customer', 'customer'], ['root'], 'admin']) {
      const res = await putRoles(token, user.user.id, { roles })
      expect(res.statusCode).toBe(400)
      expect(res.json().code).toBe('validation_failed')
    }
    expect((await putRoles(token, user.user.id, { roles: ['customer'], extra: true })).statusCode).toBe(400)
    expect((await putRoles(token, 'not-a-uuid', { roles: ['customer'] })).statusCode).toBe(400)
  })

  it('the last admin cannot take the admin role away from themselves (409), but can once another admin exists', async () => {
    const db = h.db.pool
    const { rows } = await db.query(`SELECT id FROM users WHERE 'admin' = ANY (roles)`)
    // Earlier tests may have promoted someone: demote all but the bootstrap admin directly.
    const boss = (await db.query('SELECT id FROM users WHERE email = $1', ['boss@shop.example'])).rows[0].id
    await db.query(`UPDATE users SET roles = '{customer}' WHERE id = ANY ($1) AND id <> $2`, [rows.map((r) => r.id), boss])

    const token = await adminToken()
    const lonely = await putRoles(token, boss, { roles: ['customer'] })
    expect(lonely.statusCode).toBe(409)
    expect(lonely.json().code).toBe('invalid_state')

    const deputy = await registerUser(h.app)
    expect((await putRoles(token, deputy.user.id, { roles: ['admin'] })).statusCode).toBe(200)
    expect((await putRoles(token, boss, { roles: ['customer'] })).statusCode).toBe(200)
  })
})

describe('admin bootstrap', () => {
  it('is idempotent across restarts and replicas starting together: one account, one user.registered', async () => {
    await Promise.all([h.another(), h.another(), h.another()])
    const { rows } = await h.db.pool.query('SELECT id FROM users WHERE email = $1', ['boss@shop.example'])
    expect(rows).toHaveLength(1)
    const events = await h.db.pool.query(`SELECT 1 FROM outbox WHERE envelope->'data'->>'userId' = $1`, [rows[0].id])
    expect(events.rowCount).toBe(1)
  })

  it('never changes an existing account: a demoted bootstrap admin stays demoted after a restart', async () => {
    const email = `root-${randomUUID()}@shop.example`
    const env = { ...h.env, BOOTSTRAP_ADMIN_EMAIL: email }
    await h.another(env)
    await h.db.pool.query(`UPDATE users SET roles = '{customer}' WHERE email = $1`, [email])
    await h.another(env)
    const { rows } = await h.db.pool.query('SELECT roles FROM users WHERE email = $1', [email])
    expect(rows[0].roles).toEqual(['customer'])
  })
})
