import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto'
import type { PublicJwk } from '@shop/contracts/auth'
import { calculateJwkThumbprint } from 'jose'

/**
 * The token-signing key and the JWKS other services verify with. The active key is an
 * Ed25519 private key (PKCS#8 PEM); retired public keys stay published after a rotation
 * so tokens they signed still verify until they expire (15 minutes at most).
 */

export interface SigningKeys {
  kid: string
  privateKey: KeyObject
  jwks: { keys: PublicJwk[] }
}

export class KeySpecError extends Error {}

// Environment variables often carry PEM newlines escaped as the two characters "\n".
const unescapeNewlines = (s: string) => s.replace(/\\n/g, '\n')

function algorithmOf(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return 'EdDSA'
    case 'rsa':
      return 'RS256'
    case 'ec': {
      const crv = key.asymmetricKeyDetails?.namedCurve
      if (crv === 'prime256v1') return 'ES256'
      if (crv === 'secp384r1') return 'ES384'
      if (crv === 'secp521r1') return 'ES512'
      break
    }
  }
  throw new KeySpecError(`unsupported key type ${key.asymmetricKeyType ?? 'unknown'} (use Ed25519, RSA or EC P-256/384/521)`)
}

/** The public JWK of a key, with its RFC 7638 thumbprint as kid unless one is given. */
export async function publicJwkOf(key: KeyObject, given: { kid?: string; alg?: string } = {}): Promise<PublicJwk> {
  const pub = key.type === 'private' ? createPublicKey(key) : key
  const alg = algorithmOf(pub)
  const jwk = pub.export({ format: 'jwk' }) as JsonWebKey & { kty: string }
  const kid = given.kid ?? (await calculateJwkThumbprint(jwk as Parameters<typeof calculateJwkThumbprint>[0], 'sha256'))
  const out: PublicJwk = { kty: jwk.kty, kid, alg: given.alg ?? alg, use: 'sig' }
  for (const member of ['crv', 'x', 'y', 'n', 'e'] as const) {
    if (typeof jwk[member] === 'string') out[member] = jwk[member]
  }
  return out
}

/** Splits a comma-separated list of PEM blocks and JWK/JWKS JSON documents (JSON has commas of its own). */
export function splitKeyList(spec: string): string[] {
  const text = unescapeNewlines(spec)
  const items: string[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c === ',' || /\s/.test(c)) {
      i += 1
    } else if (text.startsWith('-----BEGIN', i)) {
      const end = /-----END [A-Z0-9 ]+-----/.exec(text.slice(i))
      if (!end) throw new KeySpecError('a PEM block has no END line')
      items.push(text.slice(i, i + end.index + end[0].length))
      i += end.index + end[0].length
    } else if (c === '{' || c === '[') {
      const end = closingBracket(text, i)
      items.push(text.slice(i, end + 1))
      i = end + 1
    } else {
      throw new KeySpecError(`expected a PEM block or JWK JSON at character ${i}`)
    }
  }
  return items
}

function closingBracket(text: string, start: number): number {
  let depth = 0
  let inString = false
  for (let j = start; j < text.length; j++) {
    const ch = text[j]
    if (inString) {
      if (ch === '\\') j += 1
      else if (ch === '"') inString = false
    } else if (ch === '"') inString = true
    else if (ch === '{' || ch === '[') depth += 1
    else if (ch === '}' || ch === ']') {
      depth -= 1
      if (depth === 0) return j
    }
  }
  throw new KeySpecError('a JSON key is not closed')
}

type JwkInput = JsonWebKey & { kid?: string; alg?: string }

function jwksOf(json: string): JwkInput[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch {
    throw new KeySpecError('a JSON key is not valid JSON')
  }
  if (Array.isArray(parsed)) return parsed as JwkInput[]
  const keys = (parsed as { keys?: unknown }).keys
  return Array.isArray(keys) ? (keys as JwkInput[]) : [parsed as JwkInput]
}

/** The public JWKs of a JWT_PREVIOUS_PUBLIC_KEYS value (PEM or JWK JSON, comma-separated). */
export async function parsePublicKeys(spec: string | undefined): Promise<PublicJwk[]> {
  const out: PublicJwk[] = []
  for (const item of spec ? splitKeyList(spec) : []) {
    try {
      if (item.startsWith('-----')) {
        out.push(await publicJwkOf(createPublicKey(item)))
      } else {
        for (const jwk of jwksOf(item)) {
          // Deriving through createPublicKey drops any private member a pasted JWK may carry.
          const key = createPublicKey({ key: jwk, format: 'jwk' })
          out.push(await publicJwkOf(key, { kid: jwk.kid, alg: jwk.alg }))
        }
      }
    } catch (err) {
      throw err instanceof KeySpecError ? err : new KeySpecError(`a key could not be read: ${(err as Error).message}`)
    }
  }
  return out
}

/** The Ed25519 signing key from PKCS#8 PEM; throws KeySpecError when it is not one. */
export function parsePrivateKey(pem: string): KeyObject {
  let key: KeyObject
  try {
    key = createPrivateKey(unescapeNewlines(pem).trim())
  } catch (err) {
    throw new KeySpecError(`not a PEM private key: ${(err as Error).message}`)
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new KeySpecError(`must be an Ed25519 key (got ${key.asymmetricKeyType}); generate one with: openssl genpkey -algorithm ed25519`)
  }
  return key
}

/** The active signing key plus the JWKS publishing it first and every retired key after it. */
export async function loadSigningKeys(privateKeyPem: string, previousPublicKeys?: string): Promise<SigningKeys> {
  const privateKey = parsePrivateKey(privateKeyPem)
  const active = await publicJwkOf(privateKey)
  const previous = (await parsePublicKeys(previousPublicKeys)).filter((k) => k.kid !== active.kid)
  return { kid: active.kid, privateKey, jwks: { keys: [active, ...previous] } }
}
