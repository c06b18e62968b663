import { bootService, type ServiceDeps } from '@shop/platform/boot'
import type { Runtime } from '@shop/platform/runtime'
import { isEntryPoint, runStandalone } from '@shop/platform/standalone'
import { buildApp } from './app.ts'
import { loadOrderSettings, OrderConfig } from './config.ts'
import { createOrderContext, type OrderContext } from './context.ts'
import { subscribeOrders } from './events/subscribe.ts'
import { createExpirySweeper } from './workers/expiry-sweeper.worker.ts'

export const migrations = { source: 'order', dir: new URL('../migrations', import.meta.url).pathname }

/** Composition root of the order service: runtime adapters in, a listening service out. */
export function start(rt: Runtime) {
  // Read before anything connects, so a bad setting fails fast with its variable's name.
  const settings = loadOrderSettings(rt.env)
  let ctx: OrderContext | undefined
  const ctxOf = (deps: ServiceDeps): OrderContext => {
    if (!ctx) {
      ctx = createOrderContext(deps, settings)
      const created = ctx
      // Registered after the pool and before the HTTP server, so it runs once HTTP has drained.
      rt.lifecycle.add('upstream clients', () => created.close())
    }
    return ctx
  }
  return bootService(rt, {
    migrations,
    piiKeys: settings.keyring,
    buildApp: (deps) => buildApp(deps, ctxOf(deps)),
    subscribe: async (deps) => [await subscribeOrders(rt.bus, ctxOf(deps))],
    workers: (deps) => [createExpirySweeper(ctxOf(deps))],
  })
}

if (isEntryPoint(import.meta.url)) void runStandalone('order', start, OrderConfig)
