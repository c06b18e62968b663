import { generateKeyPairSync } from 'node:crypto'
import { ConfigError } from '@shop/platform/config'
import { generateKeyringSpec } from '@shop/platform/crypto'
import { createLifecycle } from '@shop/platform/lifecycle'
import { createLogger } from '@shop/platform/logger'
import type { Runtime } from '@shop/platform/runtime'
import { describe, expect, it } from 'vitest'
import { loadAuthSettings, parseTrustProxy } from './config.ts'
import { start } from './main.ts'

const pem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const valid = () => ({ JWT_PRIVATE_KEY: pem(), PII_ENCRYPTION_KEYS: generateKeyringSpec('k1') })

async function configError(p: Promise<unknown>): Promise<ConfigError> {
  const err = await p.then(() => null, (e: unknown) => e)
  if (!(err instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(err)}`)
  return err
}
const variables = (e: ConfigError) => e.problems.map((p) => p.variable)

describe('auth configuration', () => {
  it('applies the documented defaults', async () => {
    const s = await loadAuthSettings(valid())
    expect(s).toMatchObject({ ipLimitPerMinute: 30, loginMaxFailures: 10, argon2MemoryKib: 19456, trustProxy: false })
    expect(s.bootstrapAdmin).toBeUndefined()
  })

  it('without JWT_PRIVATE_KEY it refuses with a ConfigError naming it, never inventing a key', async () => {
    const err = await configError(loadAuthSettings({ PII_ENCRYPTION_KEYS: generateKeyringSpec('k1') }))
    expect(variables(err)).toEqual(['JWT_PRIVATE_KEY'])
    expect(err.message).toMatch(/JWT_PRIVATE_KEY: is required/)
  })

  it('start() in distributed mode without JWT_PRIVATE_KEY fails before touching any server', async () => {
    const logger = createLogger({ service: 'auth', level: 'silent' })
    const rt = {
      name: 'auth',
      env: { PII_ENCRYPTION_KEYS: generateKeyringSpec('k1') },
      mode: 'distributed',
      // Nothing listens here: reaching the database would fail with a connection error instead.
      databaseUrl: 'postgres://postgres@127.0.0.1:1/none',
      logger,
      lifecycle: createLifecycle(logger),
    } as unknown as Runtime
    expect(variables(await configError(start(rt)))).toEqual(['JWT_PRIVATE_KEY'])
  })

  it('names each bad secret: a non-Ed25519 or broken key, a bad keyring, a bad previous key', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const err = await configError(loadAuthSettings({ JWT_PRIVATE_KEY: rsa, PII_ENCRYPTION_KEYS: 'k1:short' }))
    expect(variables(err).sort()).toEqual(['JWT_PRIVATE_KEY', 'PII_ENCRYPTION_KEYS'])
    const prev = await configError(loadAuthSettings({ ...valid(), JWT_PREVIOUS_PUBLIC_KEYS: '{"kty":"OKP"}' }))
    expect(variables(prev)).toEqual(['JWT_PREVIOUS_PUBLIC_KEYS'])
  })

  it('requires both bootstrap variables together and a password that passes the policy', async () => {
    expect(variables(await configError(loadAuthSettings({ ...valid(), BOOTSTRAP_ADMIN_EMAIL: 'a@b.co' })))).toEqual(['BOOTSTRAP_ADMIN_PASSWORD'])
    const weak = await configError(loadAuthSettings({ ...valid(), BOOTSTRAP_ADMIN_EMAIL: 'a@b.co', BOOTSTRAP_ADMIN_PASSWORD: 'password123' }))
    expect(weak.problems).toEqual([{ variable: 'BOOTSTRAP_ADMIN_PASSWORD', message: expect.stringMatching(/common/) }])
    const ok = await loadAuthSettings({ ...valid(), BOOTSTRAP_ADMIN_EMAIL: ' Admin@Shop.Local ', BOOTSTRAP_ADMIN_PASSWORD: 'k3Xq9-long-enough' })
    expect(ok.bootstrapAdmin).toEqual({ email: 'admin@shop.local', password: 'k3Xq9-long-enough' })
  })

  it('reads limits as integers (0 turns one off) and refuses argon2 memory below 1024 KiB', async () => {
    const s = await loadAuthSettings({ ...valid(), AUTH_RATE_LIMIT_PER_MINUTE: '0', LOGIN_MAX_FAILURES: '5' })
    expect([s.ipLimitPerMinute, s.loginMaxFailures]).toEqual([0, 5])
    expect(variables(await configError(loadAuthSettings({ ...valid(), ARGON2_MEMORY_KIB: '64' })))).toEqual(['ARGON2_MEMORY_KIB'])
    expect(variables(await configError(loadAuthSettings({ ...valid(), LOGIN_MAX_FAILURES: 'many' })))).toEqual(['LOGIN_MAX_FAILURES'])
  })

  it('parses TRUST_PROXY into Fastify’s trustProxy', () => {
    expect(parseTrustProxy(undefined)).toBe(false)
    expect(parseTrustProxy('false')).toBe(false)
    expect(parseTrustProxy('TRUE')).toBe(true)
    expect(parseTrustProxy('10.0.0.1')).toBe('10.0.0.1')
    expect(parseTrustProxy('10.0.0.0/8, 127.0.0.1')).toEqual(['10.0.0.0/8', '127.0.0.1'])
  })
})
