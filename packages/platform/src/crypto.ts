import { createCipheriv, createDecipheriv, randomBytes, randomFillSync } from 'node:crypto'

/**
 * Field-level encryption for PII at rest (AES-256-GCM) and the masks used when PII is
 * shown to someone other than its owner. Ciphertexts carry their key id so keys rotate:
 * new data uses the active key, old data still names the key it was written with.
 */

export interface Keyring {
  /** The key new ciphertexts are written with (the first entry of the spec). */
  activeKid: string
  keys: Map<string, Buffer>
}

export interface FieldCipher {
  /** The key id new ciphertexts carry. */
  activeKid: string
  encrypt(plain: string): string
  decrypt(token: string): string
  encryptJson(value: unknown): string
  decryptJson<T>(token: string): T
}

const VERSION = 'v1'
const KEY_BYTES = 32
const NONCE_BYTES = 12
const TAG_BYTES = 16
// The kid travels inside a dot-separated token, so it must not contain a dot.
const KID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
const BASE64_PATTERN = /^[A-Za-z0-9+/_-]+={0,2}$/

/** Parses `PII_ENCRYPTION_KEYS` (`kid:base64key[,kid:base64key...]`); the first entry is the active key. */
export function parseKeyring(spec: string): Keyring {
  const entries = spec
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0)
  if (entries.length === 0) throw new Error('PII_ENCRYPTION_KEYS is empty: expected kid:base64key[,kid:base64key...]')
  const keys = new Map<string, Buffer>()
  for (const entry of entries) {
    const sep = entry.indexOf(':')
    if (sep <= 0) throw new Error('PII_ENCRYPTION_KEYS: every entry must look like kid:base64key')
    const kid = entry.slice(0, sep).trim()
    const encoded = entry.slice(sep + 1).trim()
    if (!KID_PATTERN.test(kid)) throw new Error(`PII_ENCRYPTION_KEYS: key id "${kid}" may only use letters, digits, '-' and '_'`)
    if (keys.has(kid)) throw new Error(`PII_ENCRYPTION_KEYS: key id "${kid}" appears twice`)
    // Node's base64 decoder also takes the URL-safe alphabet, so either spelling works.
    const key = BASE64_PATTERN.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0)
    if (key.length !== KEY_BYTES) {
      throw new Error(`PII_ENCRYPTION_KEYS: key "${kid}" must be ${KEY_BYTES} bytes of base64, got ${key.length}`)
    }
    keys.set(kid, key)
  }
  return { activeKid: entries[0].slice(0, entries[0].indexOf(':')).trim(), keys }
}

/** A fresh one-key spec (`kid:base64key`), for embedded mode and tests. */
export function generateKeyringSpec(kid: string = `k${randomBytes(4).toString('hex')}`): string {
  if (!KID_PATTERN.test(kid)) throw new Error(`key id "${kid}" may only use letters, digits, '-' and '_'`)
  return `${kid}:${randomBytes(KEY_BYTES).toString('base64')}`
}

/**
 * Nonces for AES-GCM: 96 random bits each, as randomBytes(12) gives, cut from a buffer the
 * system CSPRNG fills 4 KiB at a time (one call per 341 nonces instead of one per nonce,
 * which showed in a checkout's profile). Every byte is used once; a refill replaces all.
 */
const NONCE_POOL = Buffer.alloc(NONCE_BYTES * 341)
let noncePoolAt = NONCE_POOL.length

export function nextNonce(): Buffer {
  if (noncePoolAt + NONCE_BYTES > NONCE_POOL.length) {
    randomFillSync(NONCE_POOL)
    noncePoolAt = 0
  }
  // A copy: the pool's bytes are overwritten by the next refill.
  const nonce = Buffer.from(NONCE_POOL.subarray(noncePoolAt, noncePoolAt + NONCE_BYTES))
  noncePoolAt += NONCE_BYTES
  return nonce
}

/** The key id a field ciphertext names (`v1.<kid>....`), or undefined when it is not one. */
export function ciphertextKid(token: string): string | undefined {
  const parts = token.split('.')
  return parts.length === 4 && parts[0] === VERSION ? parts[1] : undefined
}

/** AES-256-GCM cipher over a keyring; output `v1.<kid>.<nonce>.<ciphertext||tag>` (base64url parts). */
export function createFieldCipher(keyring: Keyring | string): FieldCipher {
  const ring = typeof keyring === 'string' ? parseKeyring(keyring) : keyring
  const activeKey = ring.keys.get(ring.activeKid)
  if (!activeKey) throw new Error(`keyring has no key for its active id "${ring.activeKid}"`)
  for (const [kid, key] of ring.keys) {
    if (key.length !== KEY_BYTES) throw new Error(`key "${kid}" must be ${KEY_BYTES} bytes, got ${key.length}`)
  }

  const encrypt = (plain: string): string => {
    const nonce = nextNonce()
    const cipher = createCipheriv('aes-256-gcm', activeKey, nonce)
    // Binding the kid as AAD means a token whose kid was swapped fails authentication.
    cipher.setAAD(Buffer.from(ring.activeKid, 'utf8'))
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()])
    return `${VERSION}.${ring.activeKid}.${nonce.toString('base64url')}.${body.toString('base64url')}`
  }

  const decrypt = (token: string): string => {
    const parts = typeof token === 'string' ? token.split('.') : []
    if (parts.length !== 4 || parts[0] !== VERSION) throw new Error('not a field ciphertext (expected v1.<kid>.<nonce>.<data>)')
    const [, kid, nonceText, bodyText] = parts
    const key = ring.keys.get(kid)
    if (!key) throw new Error(`no decryption key with id "${kid}"`)
    const nonce = Buffer.from(nonceText, 'base64url')
    const body = Buffer.from(bodyText, 'base64url')
    if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) throw new Error('field ciphertext is malformed')
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce)
      decipher.setAAD(Buffer.from(kid, 'utf8'))
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES))
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8')
    } catch {
      throw new Error('field ciphertext failed authentication (tampered or wrong key)')
    }
  }

  return {
    activeKid: ring.activeKid,
    encrypt,
    decrypt,
    encryptJson: (value) => encrypt(JSON.stringify(value)),
    decryptJson: <T>(token: string) => JSON.parse(decrypt(token)) as T,
  }
}

const HANGUL = /[\u1100-\u11FF\u3130-\u318F\uAC00-\uD7AF]/
const stars = (n: number): string => '*'.repeat(Math.max(0, n))

/** Masks a person's name: 홍길동 → 홍*동, 김철 → 김*, John Smith → J*** S****. */
export function maskName(name: string): string {
  const trimmed = name.trim()
  if (!trimmed) return ''
  const words = trimmed.split(/\s+/)
  if (words.length === 1 && HANGUL.test(trimmed)) {
    const chars = Array.from(trimmed)
    if (chars.length === 1) return '*'
    if (chars.length === 2) return `${chars[0]}*`
    return `${chars[0]}${stars(chars.length - 2)}${chars[chars.length - 1]}`
  }
  return words
    .map((w) => {
      const chars = Array.from(w)
      return `${chars[0]}${stars(chars.length - 1)}`
    })
    .join(' ')
}

/** Masks a phone number: 010-1234-5678 or 01012345678 → 010-****-5678; other lengths keep only the last 4 digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '')
  const last4 = digits.slice(-4)
  if (digits.length === 11) return `${digits.slice(0, 3)}-****-${last4}`
  // Seoul numbers have a two-digit area code and a 3- or 4-digit middle group.
  if ((digits.length === 9 || digits.length === 10) && digits.startsWith('02')) return `02-****-${last4}`
  if (digits.length === 10) return `${digits.slice(0, 3)}-***-${last4}`
  if (digits.length <= 4) return stars(digits.length)
  return `${stars(digits.length - 4)}${last4}`
}

/** Masks an email's local part: hong@example.com → h***@example.com. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  const local = at >= 0 ? email.slice(0, at) : email
  const first = Array.from(local)[0] ?? ''
  // A fixed three stars: the mask must not reveal how long the local part is.
  return `${first}***${at >= 0 ? email.slice(at) : ''}`
}

/** Keeps the first two words of address1 (시/도, 시/군/구) and replaces the rest, address2 included, with '***'. */
export function maskAddress(address1: string, address2?: string | null): string {
  const words = address1.trim().split(/\s+/).filter(Boolean)
  const kept = words.slice(0, 2).join(' ')
  const hasRest = words.length > 2 || Boolean(address2 && address2.trim())
  if (!hasRest) return kept
  return kept ? `${kept} ***` : '***'
}
