import type { ServiceDeps } from '@shop/platform/boot'
import { registerAuth } from '@shop/platform/auth'
import { createServer } from '@shop/platform/server'
import { loadOrderSettings } from './config.ts'
import { createOrderContext, type OrderContext } from './context.ts'
import { registerAuditRoutes } from './routes/audit.routes.ts'
import { orderEventRoutes } from './routes/order-events.routes.ts'
import { orderRoutes } from './routes/orders.routes.ts'

/**
 * Builds the order service's HTTP app; never listens (tests use inject). Without a
 * context, one is built from deps.rt.env and its upstream clients close with the app.
 */
export function buildApp(deps: ServiceDeps, ctx?: OrderContext) {
  const app = createServer({
    service: 'order',
    version: deps.rt.shared.SHOP_VERSION,
    logger: deps.rt.logger,
    readiness: deps.readiness,
    metrics: deps.metrics,
    openapi: { title: 'Order service', description: 'Placing orders, their state from payment and shipping events, cancel' },
  })
  const context = ctx ?? createOrderContext(deps, loadOrderSettings(deps.rt.env))
  if (!ctx) app.addHook('onClose', () => context.close())
  registerAuth(app, deps.verifier)
  orderRoutes(app, context)
  orderEventRoutes(app, context)
  registerAuditRoutes(app, { pool: deps.pool, backlog: () => deps.relay.backlog() })
  return app
}
