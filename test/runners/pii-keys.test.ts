import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { generateKeyringSpec } from '@shop/platform/crypto'
import { dropDatabase, ensureDatabase } from '@shop/platform/db'
import { serverAvailable, testAmqpUrl, testPgUrl, testRedisUrl, uniqueName } from '@shop/platform/testing'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanupBroker, cleanupRedis, freePort } from '../e2e/shop.ts'
import { killGroup, type Run, run } from './run.ts'

// The auth service started as a container starts it (node with the TypeScript loader,
// no npm in between), restarted on its database with other PII keys.
const ready = (await serverAvailable('rabbitmq')) && (await serverAvailable('redis'))

describe.runIf(ready)('auth restarted with other PII_ENCRYPTION_KEYS', () => {
  const prefix = uniqueName('piikeys')
  const runs: Run[] = []
  let env: Record<string, string>
  let url: string
  const k1 = generateKeyringSpec('k1')

  const startAuth = (keys: string) => {
    const r = run(process.execPath, ['--import', 'tsx', 'scripts/start-service.ts', 'auth'], { ...env, PII_ENCRYPTION_KEYS: keys })
    runs.push(r)
    return r
  }
  /** Starts auth and waits until it listens, or returns how it ended when it does not. */
  const boot = async (keys: string) => {
    const r = startAuth(keys)
    await r.waitFor(/auth listening on|^Invalid configuration: .*\n/m)
    return r
  }
  const stop = async (r: Run) => {
    r.child.kill('SIGTERM')
    return r.closed
  }
  const rows = async (sql: string) => {
    const c = new pg.Client({ connectionString: env.AUTH_DATABASE_URL })
    await c.connect()
    try {
      return (await c.query(sql)).rows
    } finally {
      await c.end()
    }
  }
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const headers: Record<string, string> = {}
    if (body) headers['content-type'] = 'application/json'
    if (token) headers.authorization = `Bearer ${token}`
    const res = await fetch(`${url}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }
  const newUser = () => ({ email: `u-${randomUUID().slice(0, 8)}@shop.test`, password: `Pw-${randomUUID()}`, name: '홍길동' })
  const nameSeenBy = async (user: { email: string; password: string }) => {
    const login = await call('POST', '/auth/login', { email: user.email, password: user.password })
    expect(login.status).toBe(200)
    const profile = await call('GET', '/auth/profile', undefined, login.body.accessToken as string)
    return `${profile.status} ${profile.body.name}`
  }

  beforeAll(async () => {
    const port = await freePort()
    url = `http://127.0.0.1:${port}`
    env = {
      AUTH_PORT: String(port),
      AUTH_DATABASE_URL: await ensureDatabase(testPgUrl(), `${prefix}_auth`),
      AMQP_URL: testAmqpUrl(),
      REDIS_URL: testRedisUrl(),
      AMQP_PREFIX: `${prefix}.`,
      REDIS_KEY_PREFIX: `${prefix}:`,
      JWT_PRIVATE_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      ARGON2_MEMORY_KIB: '1024',
      LOG_LEVEL: 'info',
    }
  })

  afterAll(async () => {
    await Promise.all(runs.map(killGroup))
    await dropDatabase(testPgUrl(), `${prefix}_auth`).catch(() => {})
    await cleanupBroker(`${prefix}.`).catch(() => {})
    await cleanupRedis(`${prefix}:`).catch(() => {})
  }, 60_000)

  const first = newUser()

  it('the container’s command stops on SIGTERM within the drain time, with the clean-shutdown line', async () => {
    const auth = await boot(k1)
    expect((await call('POST', '/auth/register', first)).status).toBe(201)
    const end = await stop(auth)
    expect(end.code).toBe(0)
    expect(auth.output()).toMatch(/"reason":"SIGTERM","failures":0,"msg":"shutdown complete"/)
  }, 120_000)

  it.each([
    ['another key under the same id', () => generateKeyringSpec('k1'), /PII_ENCRYPTION_KEYS: key "k1" is not the key "k1" that encrypted data/],
    ['a key under another id', () => generateKeyringSpec('k2'), /PII_ENCRYPTION_KEYS: has no key "k1", which encrypted data/],
  ])('with %s it refuses to start, names the key, and writes nothing', async (_case, keys, message) => {
    const users = async () => (await rows('SELECT email FROM users ORDER BY email')).map((r) => r.email)
    const before = await users()
    const auth = await boot(keys())
    expect(auth.output()).not.toMatch(/auth listening on/)
    expect(auth.output()).toMatch(message)
    expect((await auth.closed).code).toBe(78)
    expect(await users()).toEqual(before)
    expect((await rows('SELECT kid FROM pii_key_checks')).map((r) => r.kid)).toEqual(['k1'])
  }, 120_000)

  it('after a rotation (a new first key, the old one kept) it starts and reads what both keys encrypted', async () => {
    const auth = await boot(`${generateKeyringSpec('k2')},${k1}`)
    const second = newUser()
    expect((await call('POST', '/auth/register', second)).status).toBe(201)
    expect(await nameSeenBy(first)).toBe('200 홍길동')
    expect(await nameSeenBy(second)).toBe('200 홍길동')
    expect((await rows('SELECT kid FROM pii_key_checks ORDER BY kid')).map((r) => r.kid)).toEqual(['k1', 'k2'])
    expect((await stop(auth)).code).toBe(0)
  }, 120_000)
})
