import { createTokenVerifier, registerAuth } from '@shop/platform/auth'
import type { ServiceDeps } from '@shop/platform/boot'
import { type App, createServer } from '@shop/platform/server'
import { createAuthContext } from './auth-context.ts'
import { type AuthSettings, loadAuthSettings } from './config.ts'
import { authRoutes } from './routes/auth.routes.ts'
import { jwksRoutes } from './routes/jwks.routes.ts'
import { profileRoutes } from './routes/profile.routes.ts'
import { usersRoutes } from './routes/users.routes.ts'
import { bootstrapAdmin } from './use-cases/bootstrap-admin.ts'

/**
 * Builds the auth service's HTTP app and bootstraps the first admin; never listens (tests
 * use inject). Settings are read from deps.rt.env unless given already parsed.
 */
export async function buildApp(deps: ServiceDeps, given?: AuthSettings): Promise<App> {
  const settings = given ?? (await loadAuthSettings(deps.rt.env))
  const app = createServer({
    service: 'auth',
    version: deps.rt.shared.SHOP_VERSION,
    logger: deps.rt.logger,
    readiness: deps.readiness,
    metrics: deps.metrics,
    trustProxy: settings.trustProxy,
  })
  const ctx = createAuthContext(deps, settings)
  await ctx.hasher.warm()
  if (settings.bootstrapAdmin) await bootstrapAdmin(ctx, settings.bootstrapAdmin)

  // The auth service checks tokens against its own keys in memory rather than fetching its
  // own JWKS over HTTP (deps.verifier): same checks, same denylist, no call to itself.
  const verifier = createTokenVerifier({
    jwks: settings.keys.jwks,
    issuer: deps.rt.shared.JWT_ISSUER,
    audience: deps.rt.shared.JWT_AUDIENCE,
    denylist: deps.rt.denylist ?? deps.rt.cache,
  })
  registerAuth(app, verifier)
  jwksRoutes(app, settings.keys)
  authRoutes(app, ctx)
  profileRoutes(app, ctx)
  usersRoutes(app, ctx)
  return app
}
