import { createTokenVerifier } from '@shop/platform/auth'
import { loadConfig } from '@shop/platform/config'
import { createMetrics } from '@shop/platform/metrics'
import type { Runtime } from '@shop/platform/runtime'
import { fileURLToPath } from 'node:url'
import { isEntryPoint, runStandalone } from '@shop/platform/standalone'
import { loadAdminOptions } from './admin/admin.config.ts'
import { buildApp } from './app.ts'
import { GatewayConfig } from './config.ts'

/** Composition root of the gateway: no database, only upstreams and the shared cache. */
export async function start(rt: Runtime) {
  const config = loadConfig(GatewayConfig, rt.env)
  const verifier = createTokenVerifier({
    jwksUrl: rt.jwksUrl,
    issuer: rt.shared.JWT_ISSUER,
    audience: rt.shared.JWT_AUDIENCE,
    denylist: rt.denylist ?? rt.cache,
  })
  const app = await buildApp({
    logger: rt.logger,
    version: rt.shared.SHOP_VERSION,
    urls: rt.urls,
    verifier,
    cache: rt.cache,
    validators: rt.validators,
    config,
    metrics: createMetrics('gateway'),
    readiness: rt.adapterChecks,
    admin: { bus: rt.bus, ...loadAdminOptions(rt.env) },
    webDistDir: config.WEB_DIST_DIR || fileURLToPath(new URL('../../../apps/web/dist', import.meta.url)),
  })
  await app.listen({ host: rt.host, port: rt.port })
  rt.lifecycle.add('http server', () => app.close())
  return { app }
}

if (isEntryPoint(import.meta.url)) void runStandalone('gateway', start, GatewayConfig)
