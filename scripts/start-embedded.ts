import { resolve } from 'node:path'
import { exitOnConfigError, loadConfig } from '@shop/platform/config'
import { Env } from '@shop/platform/config'
import { startEmbeddedPostgres } from '@shop/platform/embedded-postgres'
import { createLifecycle } from '@shop/platform/lifecycle'
import { createLogger, sharedStdout } from '@shop/platform/logger'
import { loadSharedConfig, PROCESSES, type ProcessName, type Runtime } from '@shop/platform/runtime'
import { createEmbeddedAdapters, createEmbeddedRuntime } from '@shop/platform/runtime-build'
import { initTelemetry } from '@shop/platform/telemetry'
import { Type } from '@sinclair/typebox'
import { seedDemoOnFirstStart } from './demo/embedded.ts'
import { loadOrCreateSecrets } from './secrets.ts'
import { ensureWebBuild } from './web-build.ts'

// Embedded mode: the whole shop in this one process, on an embedded PostgreSQL and
// in-memory broker and cache. Same services, same SQL, same outbox and inbox code.
const started = Date.now()
const EmbeddedConfig = Type.Object({
  SHOP_DATA_DIR: Env.string('.data'),
  EMBEDDED_PG_PORT: Env.port(54329),
})

let cfg
let shared
try {
  cfg = loadConfig(EmbeddedConfig)
  shared = loadSharedConfig()
} catch (err) {
  exitOnConfigError(err)
}
const stdout = sharedStdout()
const logger = createLogger({ service: 'shop', level: shared.LOG_LEVEL, destination: stdout })
const telemetry = initTelemetry({ service: 'shop', exporterUrl: shared.OTEL_EXPORTER_OTLP_ENDPOINT })
const lifecycle = createLifecycle(logger)
lifecycle.add('telemetry', () => telemetry.shutdown())
lifecycle.installSignalHandlers()

// Start order: auth first (the others fetch its JWKS), the gateway last.
const ORDER: ProcessName[] = ['auth', 'product', 'shipping', 'order', 'payment', 'gateway']

try {
  const dataDir = resolve(cfg.SHOP_DATA_DIR)
  const secrets = await loadOrCreateSecrets(dataDir)
  // Every process is on loopback here: the services believe the gateway's X-Forwarded-For.
  const env: Record<string, string | undefined> = { TRUST_PROXY: '127.0.0.1', ...secrets, ...process.env }
  const pg = await startEmbeddedPostgres({
    dataDir,
    port: cfg.EMBEDDED_PG_PORT,
    onLog: (line) => logger.debug({ component: 'postgres' }, line),
  })
  lifecycle.add('embedded postgres', () => pg.stop())
  const adapters = createEmbeddedAdapters()
  lifecycle.add('memory broker', () => adapters.bus.close())
  lifecycle.add('memory cache', () => adapters.cache.close())

  // The gateway serves the web app: built here the first time, and again only when its sources change.
  await ensureWebBuild({ log: (line) => logger.info(line) })
  for (const name of ORDER) {
    const rt: Runtime = await createEmbeddedRuntime(
      name,
      { ...adapters, pgServerUrl: pg.url },
      // Its own logger, not a child of the process's: a child's service would follow the
      // root's in every line (pino appends bindings), so lines carried the key twice.
      createLogger({ service: name, level: shared.LOG_LEVEL, destination: stdout }),
      lifecycle,
      env,
    )
    const mod = (await import(`@shop/${name}/main`)) as { start(rt: Runtime): Promise<unknown> }
    await mod.start(rt)
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  const lines = [
    '',
    `Shop is running (embedded mode, ready in ${seconds}s)`,
    `  API        http://localhost:${shared.GATEWAY_PORT}/v1   (docs: http://localhost:${shared.GATEWAY_PORT}/docs)`,
    ...PROCESSES.filter((p) => p !== 'gateway').map(
      (p) => `  ${p.padEnd(10)} http://localhost:${shared[`${p.toUpperCase()}_PORT` as 'AUTH_PORT']}`,
    ),
    `  data       ${dataDir}`,
    `  admin      ${env.BOOTSTRAP_ADMIN_EMAIL} / ${
      process.env.BOOTSTRAP_ADMIN_PASSWORD ? '(from BOOTSTRAP_ADMIN_PASSWORD)' : env.BOOTSTRAP_ADMIN_PASSWORD
    }`,
    '  Ctrl-C stops everything.',
    '',
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
  await seedDemoOnFirstStart({ dataDir, env, host: shared.HOST, port: shared.GATEWAY_PORT, logger })
} catch (err) {
  logger.error({ err }, 'embedded shop failed to start')
  await lifecycle.shutdown('start failed').catch(() => {})
  process.exit(1)
}
