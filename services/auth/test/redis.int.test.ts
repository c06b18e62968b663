import { createRedisCache } from '@shop/platform/cache-redis'
import type { Cache } from '@shop/platform/ports'
import { serverAvailable, testRedisUrl, uniqueName } from '@shop/platform/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createHarness, type Harness, registerUser } from './helpers.ts'

// The same limits and denylist as in distributed mode: counters and revoked jtis in Redis.
const ok = await serverAvailable('redis')

describe.runIf(ok)('auth on the Redis cache', () => {
  let h: Harness
  let cache: Cache
  beforeAll(async () => {
    cache = createRedisCache({ url: testRedisUrl(), prefix: `${uniqueName('auth')}:` })
    h = await createHarness({ cache, env: { LOGIN_MAX_FAILURES: '2', AUTH_RATE_LIMIT_PER_MINUTE: '3' } })
  })
  afterAll(async () => {
    await h?.close()
    await cache?.close()
  })

  it('locks an account after LOGIN_MAX_FAILURES failures with 429 and Retry-After', async () => {
    const u = await registerUser(h.app, {})
    const attempt = (password: string, i: number) =>
      h.app.inject({ method: 'POST', url: '/auth/login', remoteAddress: `10.9.0.${i}`, payload: { email: u.user.email, password } })
    expect((await attempt('wrong password here', 1)).statusCode).toBe(401)
    expect((await attempt('wrong password here', 2)).statusCode).toBe(401)
    const limited = await attempt(u.password, 3)
    expect(limited.statusCode).toBe(429)
    expect(limited.json().code).toBe('rate_limited')
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(800)
  })

  it('limits an address to AUTH_RATE_LIMIT_PER_MINUTE requests with 429 and Retry-After', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      const res = await h.app.inject({ method: 'POST', url: '/auth/refresh', remoteAddress: '10.9.1.1', payload: { refreshToken: 'nope' } })
      statuses.push(res.statusCode)
      if (res.statusCode === 429) expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60)
    }
    expect(statuses).toEqual([401, 401, 401, 429])
  })

  it('after logout, a verifier whose denylist is the same Redis rejects the access token', async () => {
    const u = await registerUser(h.app, {})
    const verifier = await h.verifier()
    await expect(verifier.verify(u.accessToken)).resolves.toMatchObject({ id: u.user.id })
    const res = await h.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(u.accessToken) })
    expect(res.statusCode).toBe(204)
    await expect(verifier.verify(u.accessToken)).rejects.toMatchObject({ status: 401 })
    const refresh = await h.app.inject({ method: 'POST', url: '/auth/refresh', remoteAddress: '10.9.2.1', payload: { refreshToken: u.refreshToken } })
    expect(refresh.statusCode).toBe(401)
  })
})
