import type { ServiceDeps } from '@shop/platform/boot'
import { registerAuth } from '@shop/platform/auth'
import { createServer } from '@shop/platform/server'
import { productContext } from './context.ts'
import { registerAuditRoutes } from './routes/audit.routes.ts'
import { registerCategoryRoutes } from './routes/categories.routes.ts'
import { registerProductRoutes } from './routes/products.routes.ts'
import { registerReservationRoutes } from './routes/reservations.routes.ts'

/** Builds the product service's HTTP app; never listens (tests use inject). */
export function buildApp(deps: ServiceDeps) {
  const app = createServer({
    service: 'product',
    version: deps.rt.shared.SHOP_VERSION,
    logger: deps.rt.logger,
    readiness: deps.readiness,
    metrics: deps.metrics,
  })
  registerAuth(app, deps.verifier)
  const ctx = productContext(deps)
  registerProductRoutes(app, ctx)
  registerCategoryRoutes(app, ctx)
  registerReservationRoutes(app, ctx)
  registerAuditRoutes(app, { pool: deps.pool, backlog: () => deps.relay.backlog() })
  return app
}
