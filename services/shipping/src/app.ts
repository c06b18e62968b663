import type { ServiceDeps } from '@shop/platform/boot'
import { registerAuth } from '@shop/platform/auth'
import { createServer } from '@shop/platform/server'
import { loadShippingSettings } from './config.ts'
import { createShipping, type Shipping } from './context.ts'
import { registerAuditRoutes } from './routes/audit.routes.ts'
import { shipmentRoutes } from './routes/shipments.routes.ts'
import { shippingRoutes } from './routes/shipping.routes.ts'

/** Builds the shipping service's HTTP app; never listens (tests use inject). */
export function buildApp(deps: ServiceDeps, shipping: Shipping = createShipping(deps, loadShippingSettings(deps.rt.env))) {
  const app = createServer({
    service: 'shipping',
    version: deps.rt.shared.SHOP_VERSION,
    logger: deps.rt.logger,
    readiness: deps.readiness,
    metrics: deps.metrics,
    openapi: { title: 'Shipping service', description: 'Fee quotes, shipments, status updates and parcel tracking' },
  })
  registerAuth(app, deps.verifier)
  shippingRoutes(app, shipping)
  shipmentRoutes(app, shipping)
  registerAuditRoutes(app, { pool: deps.pool, backlog: () => deps.relay.backlog() })
  return app
}
