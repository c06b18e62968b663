import { bootService } from '@shop/platform/boot'
import type { Runtime } from '@shop/platform/runtime'
import { isEntryPoint, runStandalone } from '@shop/platform/standalone'
import { buildApp } from './app.ts'
import { AuthConfig, loadAuthSettings } from './config.ts'
import { sessionPurgeWorker } from './session-purge.worker.ts'

export const migrations = { source: 'auth', dir: new URL('../migrations', import.meta.url).pathname }

/** Composition root of the auth service: runtime adapters in, a listening service out. */
export async function start(rt: Runtime) {
  // Secrets are checked before any server is touched: a missing or bad key stops the start
  // with a ConfigError that names the variable.
  const settings = await loadAuthSettings(rt.env)
  return bootService(rt, {
    migrations,
    piiKeys: settings.keyring,
    buildApp: (deps) => buildApp(deps, settings),
    workers: (deps) => [sessionPurgeWorker(deps.pool, rt.logger)],
  })
}

if (isEntryPoint(import.meta.url)) void runStandalone('auth', start, AuthConfig)
