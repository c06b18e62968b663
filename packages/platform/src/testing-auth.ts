import { randomBytes, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose'

/**
 * Test-only token issuer: an Ed25519 key pair that signs access tokens shaped like the
 * auth service's, and a tiny JWKS server so tests verify through the remote-JWKS path.
 */

export interface TestTokenClaims {
  sub: string
  roles?: string[]
  jti?: string
  /** Lifetime from now; negative for a token that has already expired. Default 900. */
  expiresInSec?: number
  aud?: string
  iss?: string
  /** Overrides the kid in the header (e.g. to impersonate another issuer's key). */
  kid?: string
}

export interface TestIssuer {
  jwks: { keys: JWK[] }
  issuer: string
  audience: string
  kid: string
  sign(claims: TestTokenClaims): Promise<string>
  tokenFor(userId: string, roles?: string[]): Promise<string>
}

/** Creates an Ed25519 issuer whose public key is published as `jwks`. */
export async function createTestIssuer(opts: { issuer?: string; audience?: string } = {}): Promise<TestIssuer> {
  const issuer = opts.issuer ?? 'https://auth.shop.test'
  const audience = opts.audience ?? 'shop'
  const kid = `test-${randomBytes(4).toString('hex')}`
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' }

  const sign = async (claims: TestTokenClaims): Promise<string> => {
    const now = Math.floor(Date.now() / 1000)
    return new SignJWT({ roles: claims.roles ?? ['customer'] })
      .setProtectedHeader({ alg: 'EdDSA', kid: claims.kid ?? kid, typ: 'JWT' })
      .setSubject(claims.sub)
      .setJti(claims.jti ?? randomUUID())
      .setIssuer(claims.iss ?? issuer)
      .setAudience(claims.aud ?? audience)
      .setIssuedAt(now)
      .setExpirationTime(now + (claims.expiresInSec ?? 900))
      .sign(privateKey)
  }

  return {
    jwks: { keys: [publicJwk] },
    issuer,
    audience,
    kid,
    sign,
    tokenFor: (userId, roles = ['customer']) => sign({ sub: userId, roles }),
  }
}

export interface JwksServer {
  url: string
  /** How many times the JWKS has been fetched (to check caching). */
  hits(): number
  close(): Promise<void>
}

/** Serves the JWKS at `<url>` from a node:http server on 127.0.0.1 with an ephemeral port. */
export async function serveJwks(jwks: { keys: JWK[] }): Promise<JwksServer> {
  let hits = 0
  const server = createServer((req, res) => {
    hits += 1
    if (req.method !== 'GET') {
      res.writeHead(405).end()
      return
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' }).end(JSON.stringify(jwks))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
