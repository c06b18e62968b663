import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { calculateJwkThumbprint } from 'jose'
import { describe, expect, it } from 'vitest'
import { KeySpecError, loadSigningKeys, parsePrivateKey, parsePublicKeys, splitKeyList } from './signing-keys.ts'

const ed = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const spki = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString()

describe('signing keys', () => {
  it('names the active key by its RFC 7638 thumbprint and publishes only public members', async () => {
    const pem = ed()
    const keys = await loadSigningKeys(pem)
    const jwk = createPublicKey(pem).export({ format: 'jwk' })
    expect(keys.kid).toBe(await calculateJwkThumbprint(jwk as { kty: string; crv: string; x: string }, 'sha256'))
    expect(keys.jwks.keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: keys.kid, alg: 'EdDSA', use: 'sig' }])
  })

  it('reads a PEM whose newlines arrive escaped as \\n, as environment variables often carry them', async () => {
    const pem = ed()
    const escaped = pem.replace(/\n/g, '\\n')
    expect((await loadSigningKeys(escaped)).kid).toBe((await loadSigningKeys(pem)).kid)
  })

  it('refuses a private key that is not Ed25519, and text that is no key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    expect(() => parsePrivateKey(rsa)).toThrow(/Ed25519/)
    expect(() => parsePrivateKey('hello')).toThrow(KeySpecError)
  })

  it('splits a comma-separated list of PEM blocks, JWK objects and a JWKS, commas inside JSON included', () => {
    const a = spki(ed())
    const jwk = JSON.stringify(createPublicKey(ed()).export({ format: 'jwk' }))
    const jwks = JSON.stringify({ keys: [createPublicKey(ed()).export({ format: 'jwk' })] })
    const items = splitKeyList(`${a}, ${jwk} ,${jwks}`)
    expect(items).toHaveLength(3)
    expect(items[0]).toBe(a.trim())
    expect(JSON.parse(items[1])).toEqual(JSON.parse(jwk))
    expect(() => splitKeyList('{"kty":"OKP"')).toThrow(/not closed/)
    expect(() => splitKeyList('nonsense')).toThrow(KeySpecError)
  })

  it('keeps the kid a previous JWK already has and derives public keys from pasted private ones', async () => {
    const priv = createPrivateKey(ed()).export({ format: 'jwk' })
    const [withKid] = await parsePublicKeys(JSON.stringify({ ...priv, kid: 'legacy-1' }))
    expect(withKid.kid).toBe('legacy-1')
    expect(withKid).not.toHaveProperty('d')
    expect(withKid.x).toBe(priv.x)
  })

  it('publishes a retired RSA key with RS256 and drops a duplicate of the active key', async () => {
    const pem = ed()
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString()
    const keys = await loadSigningKeys(pem, `${spki(pem)},${rsa}`)
    expect(keys.jwks.keys.map((k) => k.alg)).toEqual(['EdDSA', 'RS256'])
  })
})
