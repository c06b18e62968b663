import { bootService } from '@shop/platform/boot'
import type { Runtime } from '@shop/platform/runtime'
import { isEntryPoint, runStandalone } from '@shop/platform/standalone'
import { buildApp } from './app.ts'
import { loadPaymentSettings, PaymentConfig } from './config.ts'
import { createPayments, type Payments } from './context.ts'
import { subscribePayments } from './events/subscribe.ts'
import { reconcilerWorker } from './workers/reconciler.worker.ts'

export const migrations = { source: 'payment', dir: new URL('../migrations', import.meta.url).pathname }

/** Composition root of the payment service: runtime adapters in, a listening service out. */
export function start(rt: Runtime) {
  // Read before anything connects, so a bad setting fails fast with its variable's name.
  const settings = loadPaymentSettings(rt.env)
  let payments: Payments | undefined
  const paymentsOf = (deps: Parameters<typeof createPayments>[0]) => {
    if (!payments) {
      payments = createPayments(deps, settings)
      // Registered before the app, consumers and worker, so it runs after all of them stopped.
      rt.lifecycle.add('payment gateway clients', () => payments?.close())
    }
    return payments
  }
  return bootService(rt, {
    migrations,
    buildApp: (deps) => buildApp(deps, paymentsOf(deps)),
    subscribe: async (deps) => [await subscribePayments(rt.bus, paymentsOf(deps))],
    workers: (deps) => [reconcilerWorker(paymentsOf(deps))],
  })
}

if (isEntryPoint(import.meta.url)) void runStandalone('payment', start, PaymentConfig)
