import type { ServiceDeps } from '@shop/platform/boot'
import { registerAuth } from '@shop/platform/auth'
import { type App, createServer } from '@shop/platform/server'
import { loadPaymentSettings } from './config.ts'
import { createPayments, type Payments } from './context.ts'
import { registerAuditRoutes } from './routes/audit.routes.ts'
import { paymentMethodRoutes } from './routes/payment-methods.routes.ts'
import { paymentRoutes } from './routes/payments.routes.ts'

/** Builds the payment service's HTTP app; never listens (tests use inject). */
export function buildApp(deps: ServiceDeps, payments?: Payments): App {
  const app = createServer({
    service: 'payment',
    version: deps.rt.shared.SHOP_VERSION,
    logger: deps.rt.logger,
    readiness: deps.readiness,
    metrics: deps.metrics,
    openapi: { title: 'Payment service', description: 'Payments through the payment gateway adapters, refunds' },
  })
  // Given by main (shared with the consumers and the reconciler) or built here for this app alone.
  const p = payments ?? createPayments(deps, loadPaymentSettings(deps.rt.env))
  if (!payments) app.addHook('onClose', () => p.close())
  registerAuth(app, deps.verifier)
  paymentRoutes(app, p)
  paymentMethodRoutes(app, p)
  registerAuditRoutes(app, { pool: deps.pool, pgProvider: p.pg.name, backlog: () => deps.relay.backlog() })
  return app
}
