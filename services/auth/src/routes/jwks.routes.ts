import { JwksView } from '@shop/contracts/auth'
import type { App } from '@shop/platform/server'
import type { SigningKeys } from '../security/signing-keys.ts'

/**
 * The public keys tokens are verified with: at /.well-known/jwks.json for the services
 * (runtime.ts points their verifiers there) and under /auth for the gateway's public path.
 */
export function jwksRoutes(app: App, keys: SigningKeys): void {
  const body = keys.jwks
  for (const url of ['/.well-known/jwks.json', '/auth/.well-known/jwks.json']) {
    app.get(url, { schema: { tags: ['auth'], response: { 200: JwksView } } }, async (_req, reply) => {
      // Verifiers refetch on an unknown kid, so a short cache costs nothing at rotation.
      reply.header('cache-control', 'public, max-age=300')
      return body
    })
  }
}
