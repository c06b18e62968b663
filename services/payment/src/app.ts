import type { ServiceDeps } from '@shop/platform/boot'
import { registerAuth } from '@shop/platform/auth'
import { createServer } from '@shop/platform/server'

/** Builds the payment service's HTTP app; never listens (tests use inject). Business routes come with its issue. */
export function buildApp(deps: ServiceDeps) {
  const app = createServer({
    service: 'payment',
    version: deps.rt.shared.SHOP_VERSION,
    logger: deps.rt.logger,
    readiness: deps.readiness,
    metrics: deps.metrics,
  })
  registerAuth(app, deps.verifier)
  return app
}
