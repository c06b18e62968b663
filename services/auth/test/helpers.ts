import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import type { SessionView } from '@shop/contracts/auth'
import { createTokenVerifier, type TokenVerifier } from '@shop/platform/auth'
import type { ServiceDeps } from '@shop/platform/boot'
import { createMemoryBus } from '@shop/platform/bus-memory'
import { createMemoryCache } from '@shop/platform/cache-memory'
import { generateKeyringSpec } from '@shop/platform/crypto'
import { createLifecycle } from '@shop/platform/lifecycle'
import { createLogger } from '@shop/platform/logger'
import { createMetrics } from '@shop/platform/metrics'
import { createOutboxRelay } from '@shop/platform/outbox'
import type { Cache } from '@shop/platform/ports'
import { loadSharedConfig, type Runtime, serviceUrls } from '@shop/platform/runtime'
import type { App } from '@shop/platform/server'
import { createTestDatabase, type TestDatabase, uniqueName } from '@shop/platform/testing'
import { buildApp } from '../src/app.ts'
import { migrations } from '../src/main.ts'

/** A fresh Ed25519 private key as PKCS#8 PEM, as JWT_PRIVATE_KEY takes it. */
export function ed25519Pem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
}

/** The public half of a PKCS#8 PEM private key, as SPKI PEM. */
export function publicPemOf(privatePem: string): string {
  return createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString()
}

/** Settings for tests: cheap argon2 and both rate limits off unless a test turns them on. */
export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    JWT_PRIVATE_KEY: ed25519Pem(),
    PII_ENCRYPTION_KEYS: generateKeyringSpec('t1'),
    ARGON2_MEMORY_KIB: '1024',
    AUTH_RATE_LIMIT_PER_MINUTE: '0',
    LOGIN_MAX_FAILURES: '0',
    LOG_LEVEL: 'silent',
    ...overrides,
  }
}

/** The runtime and boot deps a composition root would hand the app, over a test database. */
export function testDeps(db: TestDatabase, env: Record<string, string | undefined>, cache: Cache): ServiceDeps {
  const shared = loadSharedConfig(env)
  const logger = createLogger({ service: 'auth', level: 'silent' })
  const bus = createMemoryBus()
  const rt: Runtime = {
    name: 'auth',
    env,
    shared,
    host: '127.0.0.1',
    port: 0,
    databaseUrl: db.url,
    bus,
    cache,
    logger,
    lifecycle: createLifecycle(logger),
    urls: serviceUrls(shared),
    jwksUrl: `${serviceUrls(shared).auth}/.well-known/jwks.json`,
    adapterChecks: {},
    mode: 'embedded',
  }
  return {
    rt,
    pool: db.pool,
    // The auth app verifies with its own keys; this one is never asked (its JWKS is fetched lazily).
    verifier: createTokenVerifier({ jwksUrl: rt.jwksUrl, issuer: shared.JWT_ISSUER, audience: shared.JWT_AUDIENCE }),
    // Never started: events stay in the outbox table where tests look for them.
    relay: createOutboxRelay({ pool: db.pool, bus }),
    metrics: createMetrics('auth'),
    readiness: { postgres: async () => void (await db.pool.query('SELECT 1')) },
  }
}

export interface Harness {
  app: App
  db: TestDatabase
  cache: Cache
  env: Record<string, string | undefined>
  /** Another app on the same database (a second replica, or the service after a restart). */
  another(env?: Record<string, string | undefined>): Promise<App>
  /** A verifier as other services build it: this app's JWKS, the same denylist cache. */
  verifier(): Promise<TokenVerifier>
  close(): Promise<void>
}

/** A database of its own, a cache, and the auth app built from `env` (testEnv defaults). */
export async function createHarness(opts: { env?: Record<string, string | undefined>; cache?: Cache } = {}): Promise<Harness> {
  const db = await createTestDatabase({ migrations: [migrations], prefix: 'auth' })
  const cache = opts.cache ?? createMemoryCache()
  const env = testEnv(opts.env)
  const apps: App[] = []
  const make = async (e: Record<string, string | undefined>) => {
    const app = await buildApp(testDeps(db, e, cache))
    apps.push(app)
    await app.ready()
    return app
  }
  const app = await make(env)
  return {
    app,
    db,
    cache,
    env,
    another: (e = env) => make(e),
    async verifier() {
      const shared = loadSharedConfig(env)
      const jwks = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json()
      return createTokenVerifier({ jwks, issuer: shared.JWT_ISSUER, audience: shared.JWT_AUDIENCE, denylist: cache })
    },
    async close() {
      await Promise.all(apps.map((a) => a.close()))
      if (!opts.cache) await cache.close()
      await db.drop()
    },
  }
}

/** A unique, valid registration body. */
export function newUser(overrides: Record<string, unknown> = {}) {
  return {
    email: `${uniqueName('user')}@example.com`,
    password: 'correct horse battery staple',
    name: '홍길동',
    ...overrides,
  }
}

/** Registers a user and returns the 201 body (fails the test on any other status). */
export async function registerUser(app: App, overrides: Record<string, unknown> = {}): Promise<SessionView & { password: string }> {
  const body = newUser(overrides)
  const res = await app.inject({ method: 'POST', url: '/auth/register', payload: body })
  if (res.statusCode !== 201) throw new Error(`register answered ${res.statusCode}: ${res.body}`)
  return { ...(res.json() as SessionView), password: body.password }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
