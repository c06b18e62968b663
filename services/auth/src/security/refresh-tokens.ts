import { createHash, randomBytes } from 'node:crypto'

/** A new opaque refresh token (32 random bytes, base64url) and the SHA-256 hash that is all we store. */
export function newRefreshToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url')
  return { token, hash: hashRefreshToken(token) }
}

/** The stored form of a refresh token; a fast hash suffices because the token has 256 bits of entropy. */
export function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest()
}
