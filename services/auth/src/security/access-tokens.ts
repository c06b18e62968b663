import { SignJWT } from 'jose'
import type { AccessClaims } from '../domain/token-claims.ts'
import type { SigningKeys } from './signing-keys.ts'

export interface AccessTokenSigner {
  sign(claims: AccessClaims): Promise<string>
}

/** Signs access tokens with the active Ed25519 key (EdDSA), naming it by kid. */
export function createAccessTokenSigner(keys: SigningKeys): AccessTokenSigner {
  return {
    sign: (claims) =>
      new SignJWT({ roles: claims.roles, sid: claims.sid })
        .setProtectedHeader({ alg: 'EdDSA', kid: keys.kid, typ: 'JWT' })
        .setSubject(claims.sub)
        .setJti(claims.jti)
        .setIssuer(claims.iss)
        .setAudience(claims.aud)
        .setIssuedAt(claims.iat)
        .setExpirationTime(claims.exp)
        .sign(keys.privateKey),
  }
}
