import { ConfigError, Env, loadConfig } from '@shop/platform/config'
import { type FieldCipher, createFieldCipher, type Keyring, parseKeyring } from '@shop/platform/crypto'
import { type Static, Type } from '@sinclair/typebox'
import { normalizeEmail } from './domain/email.ts'
import { checkPassword, passwordPolicy } from './domain/password-policy.ts'
import { commonPasswords } from './security/common-passwords.ts'
import { KeySpecError, loadSigningKeys, type SigningKeys } from './security/signing-keys.ts'

/** Settings of the auth service beyond the shared ones (runtime.ts). */
export const AuthConfig = Type.Object({
  /** Ed25519 private key, PKCS#8 PEM. Embedded mode generates one; distributed mode must be given one. */
  JWT_PRIVATE_KEY: Env.string(),
  /** Retired public keys (PEM or JWK JSON, comma-separated) still published in the JWKS. */
  JWT_PREVIOUS_PUBLIC_KEYS: Env.optionalString(),
  /** `kid:base64key[,kid:base64key...]`, the first one active (platform crypto.ts). */
  PII_ENCRYPTION_KEYS: Env.string(),
  BOOTSTRAP_ADMIN_EMAIL: Env.optionalString(),
  BOOTSTRAP_ADMIN_PASSWORD: Env.optionalString(),
  /** Login, register and refresh requests per client IP per minute; 0 turns the limit off. */
  AUTH_RATE_LIMIT_PER_MINUTE: Env.int(30),
  /** Login attempts per account per 15 minutes before 429; 0 turns the limit off. */
  LOGIN_MAX_FAILURES: Env.int(10),
  /** Which proxies' X-Forwarded-For to believe: `true`, or addresses/CIDRs, comma-separated. */
  TRUST_PROXY: Env.optionalString(),
  /** Argon2id memory cost in KiB; lower it only for tests. */
  ARGON2_MEMORY_KIB: Env.int(19456, 1024),
})
export type AuthConfig = Static<typeof AuthConfig>

/** The auth settings with their secrets parsed: what buildApp needs. */
export interface AuthSettings {
  keys: SigningKeys
  /** The PII keys: checked against the database at boot, and what `cipher` uses. */
  keyring: Keyring
  cipher: FieldCipher
  bootstrapAdmin?: { email: string; password: string }
  ipLimitPerMinute: number
  loginMaxFailures: number
  trustProxy: boolean | string | string[]
  argon2MemoryKib: number
}

/** Parses TRUST_PROXY into Fastify's trustProxy: false when unset, true, or the proxy addresses. */
export function parseTrustProxy(value: string | undefined): boolean | string | string[] {
  const v = value?.trim()
  if (!v || v.toLowerCase() === 'false') return false
  if (v.toLowerCase() === 'true') return true
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  return list.length === 1 ? list[0] : list
}

/**
 * Reads and checks every auth setting; throws ConfigError naming each bad variable
 * (a missing JWT_PRIVATE_KEY included: the service never invents a signing key).
 */
export async function loadAuthSettings(env: Record<string, string | undefined>): Promise<AuthSettings> {
  const cfg = loadConfig(AuthConfig, env)
  const problems: { variable: string; message: string }[] = []

  let keys: SigningKeys | undefined
  try {
    keys = await loadSigningKeys(cfg.JWT_PRIVATE_KEY, cfg.JWT_PREVIOUS_PUBLIC_KEYS)
  } catch (err) {
    if (!(err instanceof KeySpecError)) throw err
    // Which of the two variables is wrong: the private key parses on its own or it does not.
    const variable = (await loadSigningKeys(cfg.JWT_PRIVATE_KEY).then(() => true, () => false))
      ? 'JWT_PREVIOUS_PUBLIC_KEYS'
      : 'JWT_PRIVATE_KEY'
    problems.push({ variable, message: err.message })
  }

  let keyring: Keyring | undefined
  let cipher: FieldCipher | undefined
  try {
    keyring = parseKeyring(cfg.PII_ENCRYPTION_KEYS)
    cipher = createFieldCipher(keyring)
  } catch (err) {
    problems.push({ variable: 'PII_ENCRYPTION_KEYS', message: (err as Error).message })
  }

  const bootstrapAdmin = bootstrapSettings(cfg, problems)
  if (problems.length > 0 || !keys || !keyring || !cipher) throw new ConfigError(problems)
  return {
    keys,
    keyring,
    cipher,
    bootstrapAdmin,
    ipLimitPerMinute: cfg.AUTH_RATE_LIMIT_PER_MINUTE,
    loginMaxFailures: cfg.LOGIN_MAX_FAILURES,
    trustProxy: parseTrustProxy(cfg.TRUST_PROXY),
    argon2MemoryKib: cfg.ARGON2_MEMORY_KIB,
  }
}

function bootstrapSettings(
  cfg: AuthConfig,
  problems: { variable: string; message: string }[],
): AuthSettings['bootstrapAdmin'] {
  const { BOOTSTRAP_ADMIN_EMAIL: rawEmail, BOOTSTRAP_ADMIN_PASSWORD: password } = cfg
  if (!rawEmail && !password) return undefined
  // One without the other is a mistake worth stopping for, not a silent "no admin".
  if (!rawEmail) problems.push({ variable: 'BOOTSTRAP_ADMIN_EMAIL', message: 'is required when BOOTSTRAP_ADMIN_PASSWORD is set' })
  if (!password) problems.push({ variable: 'BOOTSTRAP_ADMIN_PASSWORD', message: 'is required when BOOTSTRAP_ADMIN_EMAIL is set' })
  if (!rawEmail || !password) return undefined
  const email = normalizeEmail(rawEmail)
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) problems.push({ variable: 'BOOTSTRAP_ADMIN_EMAIL', message: 'is not an email address' })
  const weak = checkPassword(password, passwordPolicy(commonPasswords()), { email }, 'BOOTSTRAP_ADMIN_PASSWORD')
  for (const e of weak) problems.push({ variable: e.path, message: e.message })
  return { email, password }
}
