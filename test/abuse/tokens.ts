import { createPublicKey, generateKeyPairSync, type JsonWebKey, randomUUID } from 'node:crypto'
import { base64url, exportJWK, importPKCS8, type JWK, SignJWT, UnsecuredJWT } from 'jose'
import type { Shop } from '../e2e/shop.ts'

/**
 * Access tokens an attacker might present (API2 broken authentication), built against a
 * running shop: its JWKS for the genuine kid and public key, and its JWT_PRIVATE_KEY for
 * the controls (a genuine key with a bad claim, and one fully valid token).
 */

const ISSUER = 'shop-auth'
const AUDIENCE = 'shop'

export interface Forgery {
  name: string
  token: string
}

export interface TokenLab {
  /** Signed with the shop's own key and correct claims: must be accepted (the control). */
  genuine(sub: string, roles?: string[]): Promise<string>
  /** Tokens that must all be refused with 401, each claiming `sub` as an admin. */
  forgeries(sub: string, realToken: string): Promise<Forgery[]>
}

const now = () => Math.floor(Date.now() / 1000)

/** Reads the shop's JWKS and key, and prepares the forger. */
export async function tokenLab(shop: Shop): Promise<TokenLab> {
  const jwks = (await (await fetch(`${shop.gatewayUrl}/v1/auth/.well-known/jwks.json`)).json()) as { keys: JWK[] }
  const published = jwks.keys[0]
  if (!published?.kid) throw new Error('the shop publishes no signing key')
  const kid = published.kid
  const realKey = await importPKCS8(shop.env.JWT_PRIVATE_KEY as string, 'EdDSA')
  const publicPem = createPublicKey({ key: published as JsonWebKey, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString()
  const attacker = generateKeyPairSync('ed25519')
  const attackerJwk = await exportJWK(attacker.publicKey)

  const build = (sub: string, roles: string[], o: { iss?: string; aud?: string; exp?: number; iat?: number } = {}) =>
    new SignJWT({ roles, sid: randomUUID() })
      .setSubject(sub)
      .setJti(randomUUID())
      .setIssuer(o.iss ?? ISSUER)
      .setAudience(o.aud ?? AUDIENCE)
      .setIssuedAt(o.iat ?? now())
      .setExpirationTime(o.exp ?? now() + 600)

  return {
    genuine: (sub, roles = ['customer']) => build(sub, roles).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' }).sign(realKey),

    async forgeries(sub, realToken) {
      const admin = ['admin', 'customer']
      const unsigned = new UnsecuredJWT({ roles: admin, jti: randomUUID() })
        .setSubject(sub)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('10m')
        .encode()
      // The same token with a header that keeps the kid but says none, and no signature at all.
      const [, noneBody] = unsigned.split('.')
      const noneWithKid = `${base64url.encode(JSON.stringify({ alg: 'none', kid, typ: 'JWT' }))}.${noneBody}.`
      const [head, body, signature] = realToken.split('.')
      const payload = JSON.parse(new TextDecoder().decode(base64url.decode(body as string))) as Record<string, unknown>
      const tampered = `${head}.${base64url.encode(JSON.stringify({ ...payload, roles: admin }))}.${signature}`
      const otherUser = `${head}.${base64url.encode(JSON.stringify({ ...payload, sub: randomUUID() }))}.${signature}`
      return [
        { name: 'alg none', token: unsigned },
        { name: 'alg none with the genuine kid', token: noneWithKid },
        { name: 'a foreign key under the genuine kid', token: await build(sub, admin).setProtectedHeader({ alg: 'EdDSA', kid }).sign(attacker.privateKey) },
        { name: 'a foreign key under an unknown kid', token: await build(sub, admin).setProtectedHeader({ alg: 'EdDSA', kid: 'attacker' }).sign(attacker.privateKey) },
        {
          name: 'a foreign key embedded in the header (jwk)',
          token: await build(sub, admin).setProtectedHeader({ alg: 'EdDSA', jwk: attackerJwk }).sign(attacker.privateKey),
        },
        {
          name: 'HS256 keyed with the public key (algorithm confusion)',
          token: await build(sub, admin).setProtectedHeader({ alg: 'HS256', kid }).sign(new TextEncoder().encode(publicPem)),
        },
        { name: 'expired (genuine key)', token: await build(sub, admin, { iat: now() - 3600, exp: now() - 600 }).setProtectedHeader({ alg: 'EdDSA', kid }).sign(realKey) },
        { name: 'wrong audience (genuine key)', token: await build(sub, admin, { aud: 'another-app' }).setProtectedHeader({ alg: 'EdDSA', kid }).sign(realKey) },
        { name: 'wrong issuer (genuine key)', token: await build(sub, admin, { iss: 'evil-idp' }).setProtectedHeader({ alg: 'EdDSA', kid }).sign(realKey) },
        { name: 'tampered roles claim', token: tampered },
        { name: 'tampered sub claim', token: otherUser },
        { name: 'signature stripped', token: `${head}.${body}.` },
        { name: 'not a JWT', token: 'abc.def.ghi' },
      ]
    },
  }
}
