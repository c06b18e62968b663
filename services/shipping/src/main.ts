import { bootService } from '@shop/platform/boot'
import type { Runtime } from '@shop/platform/runtime'
import { isEntryPoint, runStandalone } from '@shop/platform/standalone'
import { buildApp } from './app.ts'
import { loadShippingSettings, ShippingConfig } from './config.ts'
import { createShipping, type Shipping } from './context.ts'
import { subscribeShipping } from './events/subscribe.ts'
import { createCarrierSimulatorWorker } from './workers/carrier-simulator.worker.ts'

export const migrations = { source: 'shipping', dir: new URL('../migrations', import.meta.url).pathname }

/** Composition root of the shipping service: runtime adapters in, a listening service out. */
export async function start(rt: Runtime) {
  // Read before anything connects, so a bad setting fails fast with its variable's name.
  const settings = loadShippingSettings(rt.env)
  let shipping: Shipping | undefined
  const shippingOf = (deps: Parameters<typeof createShipping>[0]) => (shipping ??= createShipping(deps, settings))
  return bootService(rt, {
    migrations,
    piiKeys: settings.keyring,
    buildApp: (deps) => buildApp(deps, shippingOf(deps)),
    subscribe: async (deps) => [await subscribeShipping(rt.bus, shippingOf(deps))],
    workers: (deps) =>
      settings.config.CARRIER_SIMULATOR_AUTO_ADVANCE
        ? [createCarrierSimulatorWorker(shippingOf(deps), { stepSeconds: settings.config.CARRIER_SIMULATOR_STEP_SECONDS })]
        : [],
  })
}

if (isEntryPoint(import.meta.url)) void runStandalone('shipping', start, ShippingConfig)
