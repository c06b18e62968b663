import { bootService } from '@shop/platform/boot'
import type { Runtime } from '@shop/platform/runtime'
import { isEntryPoint, runStandalone } from '@shop/platform/standalone'
import { buildApp } from './app.ts'
import { ProductConfig } from './config.ts'
import { productContext } from './context.ts'
import { subscribeProductEvents } from './events/subscribe.ts'
import { createReservationSweeper } from './workers/reservation-sweeper.ts'

export const migrations = { source: 'product', dir: new URL('../migrations', import.meta.url).pathname }

/** Composition root of the product service: runtime adapters in, a listening service out. */
export function start(rt: Runtime) {
  return bootService(rt, {
    migrations,
    buildApp,
    subscribe: subscribeProductEvents,
    workers: (deps) => [createReservationSweeper(productContext(deps))],
  })
}

if (isEntryPoint(import.meta.url)) void runStandalone('product', start, ProductConfig)
