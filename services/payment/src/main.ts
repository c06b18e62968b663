import { bootService } from '@shop/platform/boot'
import type { Runtime } from '@shop/platform/runtime'
import { isEntryPoint, runStandalone } from '@shop/platform/standalone'
import { buildApp } from './app.ts'
import { PaymentConfig } from './config.ts'

export const migrations = { source: 'payment', dir: new URL('../migrations', import.meta.url).pathname }

/** Composition root of the payment service: runtime adapters in, a listening service out. */
export function start(rt: Runtime) {
  return bootService(rt, { migrations, buildApp })
}

if (isEntryPoint(import.meta.url)) void runStandalone('payment', start, PaymentConfig)
