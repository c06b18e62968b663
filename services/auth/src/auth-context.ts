import type { ServiceDeps } from '@shop/platform/boot'
import type { FieldCipher } from '@shop/platform/crypto'
import type { Pool } from '@shop/platform/db'
import type { Logger } from '@shop/platform/logger'
import type { Cache } from '@shop/platform/ports'
import { createRateLimiter, type RateLimiter } from '@shop/platform/rate-limit'
import { Counter } from 'prom-client'
import type { AuthSettings } from './config.ts'
import { type PasswordPolicy, passwordPolicy } from './domain/password-policy.ts'
import { type AccessTokenSigner, createAccessTokenSigner } from './security/access-tokens.ts'
import { commonPasswords } from './security/common-passwords.ts'
import { createPasswordHasher, type PasswordHasher } from './security/password-hasher.ts'

/** Everything the auth use cases work with, built once per app. */
export interface AuthContext {
  pool: Pool
  cache: Cache
  cipher: FieldCipher
  hasher: PasswordHasher
  signer: AccessTokenSigner
  policy: PasswordPolicy
  issuer: string
  audience: string
  limits: {
    /** Login, register and refresh per client IP per minute. */
    ip: RateLimiter
    /** Login attempts per account per 15 minutes; a successful login resets it. */
    account: RateLimiter
  }
  /** Asks the outbox relay to publish soon after a commit that enqueued an event. */
  poke(): void
  logger: Logger
  counters: {
    logins: Counter<'outcome'>
    refreshReuse: Counter<string>
  }
}

export const ACCOUNT_WINDOW_MS = 15 * 60_000

/** Builds the context from the boot deps and the parsed settings. */
export function createAuthContext(deps: ServiceDeps, settings: AuthSettings): AuthContext {
  const { rt } = deps
  const registers = [deps.metrics.registry]
  return {
    pool: deps.pool,
    cache: rt.cache,
    cipher: settings.cipher,
    hasher: createPasswordHasher({ memoryKib: settings.argon2MemoryKib }),
    signer: createAccessTokenSigner(settings.keys),
    policy: passwordPolicy(commonPasswords()),
    issuer: rt.shared.JWT_ISSUER,
    audience: rt.shared.JWT_AUDIENCE,
    limits: {
      ip: createRateLimiter(rt.cache, { name: 'auth-ip', limit: settings.ipLimitPerMinute, windowMs: 60_000 }),
      account: createRateLimiter(rt.cache, { name: 'login-account', limit: settings.loginMaxFailures, windowMs: ACCOUNT_WINDOW_MS }),
    },
    poke: () => deps.relay.poke(),
    logger: rt.logger,
    counters: {
      logins: new Counter({
        name: 'auth_logins_total',
        help: 'Login attempts by outcome (success, invalid, limited)',
        labelNames: ['outcome'] as const,
        registers,
      }),
      refreshReuse: new Counter({
        name: 'auth_refresh_reuse_total',
        help: 'Refresh tokens presented again after use (each revokes its session)',
        registers,
      }),
    },
  }
}
