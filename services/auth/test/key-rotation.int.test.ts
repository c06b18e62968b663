import { createPrivateKey, createPublicKey } from 'node:crypto'
import { decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createHarness, ed25519Pem, type Harness, publicPemOf, registerUser } from './helpers.ts'

// One database and cache: "before" is the service with the old key, "after" the same
// service restarted with a new key (and, or not, the old public key kept in the JWKS).
let h: Harness
const oldKey = ed25519Pem()
beforeAll(async () => {
  h = await createHarness({ env: { JWT_PRIVATE_KEY: oldKey } })
})
afterAll(async () => {
  await h?.close()
})

const jwksOf = async (app: Harness['app']) => (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json()

describe('signing key rotation', () => {
  it('a token signed with the previous key still verifies when that key is in JWT_PREVIOUS_PUBLIC_KEYS (PEM)', async () => {
    const before = await registerUser(h.app)
    const oldKid = decodeProtectedHeader(before.accessToken).kid

    const after = await h.another({ ...h.env, JWT_PRIVATE_KEY: ed25519Pem(), JWT_PREVIOUS_PUBLIC_KEYS: publicPemOf(oldKey) })
    const jwks = await jwksOf(after)
    expect(jwks.keys).toHaveLength(2)
    expect(jwks.keys[1].kid).toBe(oldKid)
    expect(jwks.keys[0].kid).not.toBe(oldKid)

    const profile = await after.inject({ method: 'GET', url: '/auth/profile', headers: bearer(before.accessToken) })
    expect(profile.statusCode).toBe(200)
    // New tokens are signed with the new key, named by the first kid.
    const fresh = await registerUser(after)
    expect(decodeProtectedHeader(fresh.accessToken).kid).toBe(jwks.keys[0].kid)
  })

  it('the previous key may be given as JWK JSON among other keys, comma-separated; private members are never published', async () => {
    const before = await registerUser(h.app)
    const privateJwk = createPrivateKey(oldKey).export({ format: 'jwk' })
    const unrelated = publicPemOf(ed25519Pem())
    const spec = `${JSON.stringify(privateJwk)},${unrelated}`
    const after = await h.another({ ...h.env, JWT_PRIVATE_KEY: ed25519Pem(), JWT_PREVIOUS_PUBLIC_KEYS: spec })
    const jwks = await jwksOf(after)
    expect(jwks.keys).toHaveLength(3)
    expect(JSON.stringify(jwks)).not.toContain(privateJwk.d)
    expect((await after.inject({ method: 'GET', url: '/auth/profile', headers: bearer(before.accessToken) })).statusCode).toBe(200)
  })

  it('without the previous key, tokens it signed are refused after the rotation', async () => {
    const before = await registerUser(h.app)
    const after = await h.another({ ...h.env, JWT_PRIVATE_KEY: ed25519Pem() })
    expect((await jwksOf(after)).keys).toHaveLength(1)
    expect((await after.inject({ method: 'GET', url: '/auth/profile', headers: bearer(before.accessToken) })).statusCode).toBe(401)
    // The refresh token is not tied to the key: the session carries on with a token from the new key.
    const refreshed = await after.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: before.refreshToken } })
    expect(refreshed.statusCode).toBe(200)
  })

  it('a verifier over the served JWKS accepts tokens of both the active and the previous key', async () => {
    const before = await registerUser(h.app)
    const pub = createPublicKey(oldKey).export({ type: 'spki', format: 'pem' }).toString()
    const after = await h.another({ ...h.env, JWT_PRIVATE_KEY: ed25519Pem(), JWT_PREVIOUS_PUBLIC_KEYS: pub })
    const { createTokenVerifier } = await import('@shop/platform/auth')
    const verifier = createTokenVerifier({ jwks: await jwksOf(after), issuer: 'shop-auth', audience: 'shop' })
    await expect(verifier.verify(before.accessToken)).resolves.toMatchObject({ id: before.user.id })
    const fresh = await registerUser(after)
    await expect(verifier.verify(fresh.accessToken)).resolves.toMatchObject({ id: fresh.user.id })
  })
})
