import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness, registerUser } from './helpers.ts'

let h: Harness
beforeAll(async () => {
  h = await createHarness({ env: { LOGIN_MAX_FAILURES: '3' } })
})
afterAll(async () => {
  await h?.close()
})

let ipCounter = 0
/** A client address of its own, so tests do not share per-IP windows. */
const nextIp = () => `10.20.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`

const login = (app: Harness['app'], email: string, password: string, remoteAddress = nextIp()) =>
  app.inject({ method: 'POST', url: '/auth/login', payload: { email, password }, remoteAddress })

function expectLimited(res: Awaited<ReturnType<typeof login>>, maxSeconds: number) {
  expect(res.statusCode).toBe(429)
  expect(res.json()).toMatchObject({ status: 429, code: 'rate_limited' })
  const retryAfter = Number(res.headers['retry-after'])
  expect(retryAfter).toBeGreaterThanOrEqual(1)
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds)
}

describe('per-account login limit (LOGIN_MAX_FAILURES per 15 minutes)', () => {
  it('after 3 failures even the right password gets 429 with Retry-After, from any address', async () => {
    const u = await registerUser(h.app)
    for (let i = 0; i < 3; i++) expect((await login(h.app, u.user.email, 'wrong password here')).statusCode).toBe(401)
    expectLimited(await login(h.app, u.user.email, u.password), 15 * 60)
    // The limit follows the account, not the address; other accounts are unaffected.
    const other = await registerUser(h.app)
    expect((await login(h.app, other.user.email, other.password)).statusCode).toBe(200)
  })

  it('counts an unknown email the same way, so the limit does not reveal which accounts exist', async () => {
    const email = `ghost-${randomUUID()}@example.com`
    for (let i = 0; i < 3; i++) expect((await login(h.app, email, 'anything at all')).statusCode).toBe(401)
    expectLimited(await login(h.app, email, 'anything at all'), 15 * 60)
  })

  it('a successful login clears the count, so only consecutive failures lock an account', async () => {
    const u = await registerUser(h.app)
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2; i++) expect((await login(h.app, u.user.email, 'wrong password here')).statusCode).toBe(401)
      expect((await login(h.app, u.user.email, u.password)).statusCode).toBe(200)
    }
  })
})

describe('per-IP limit on login, register and refresh (AUTH_RATE_LIMIT_PER_MINUTE)', () => {
  it('past the limit, all three routes answer 429 with Retry-After for that address only', async () => {
    const app = await h.another({ ...h.env, AUTH_RATE_LIMIT_PER_MINUTE: '4', LOGIN_MAX_FAILURES: '0' })
    const ip = nextIp()
    const u = await registerUser(app)
    for (let i = 0; i < 4; i++) expect((await login(app, u.user.email, 'wrong password here', ip)).statusCode).toBe(401)
    expectLimited(await login(app, u.user.email, u.password, ip), 60)
    const reg = await app.inject({ method: 'POST', url: '/auth/register', remoteAddress: ip, payload: { email: 'x@example.com', password: 'long enough pass', name: 'x' } })
    expectLimited(reg, 60)
    const ref = await app.inject({ method: 'POST', url: '/auth/refresh', remoteAddress: ip, payload: { refreshToken: u.refreshToken } })
    expectLimited(ref, 60)
    // Other routes and other addresses carry on.
    const profile = await app.inject({ method: 'GET', url: '/auth/profile', remoteAddress: ip, headers: { authorization: `Bearer ${u.accessToken}` } })
    expect(profile.statusCode).toBe(200)
    expect((await login(app, u.user.email, u.password)).statusCode).toBe(200)
  })

  it('believes X-Forwarded-For only from the proxies TRUST_PROXY names', async () => {
    const limits = { ...h.env, AUTH_RATE_LIMIT_PER_MINUTE: '1', LOGIN_MAX_FAILURES: '0' }
    const proxyIp = nextIp()
    const direct = await h.another(limits)
    const viaProxy = await h.another({ ...limits, TRUST_PROXY: proxyIp })
    const attempt = (app: Harness['app'], client: string) =>
      app.inject({
        method: 'POST',
        url: '/auth/login',
        remoteAddress: proxyIp,
        headers: { 'x-forwarded-for': client },
        payload: { email: 'nobody@example.com', password: 'whatever it is' },
      })
    // Trusted: each forwarded client has its own window.
    expect((await attempt(viaProxy, nextIp())).statusCode).toBe(401)
    expect((await attempt(viaProxy, nextIp())).statusCode).toBe(401)
    // Not trusted: the header is ignored and every request is the socket's address.
    expect((await attempt(direct, nextIp())).statusCode).toBe(401)
    expect((await attempt(direct, nextIp())).statusCode).toBe(429)
  })
})
