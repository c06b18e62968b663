import { ConfigError, exitOnConfigError, loadConfig } from './config.ts'
import { createLifecycle } from './lifecycle.ts'
import { createLogger } from './logger.ts'
import { loadSharedConfig, type ProcessName, type Runtime } from './runtime.ts'
import { createDistributedRuntime } from './runtime-build.ts'
import { initTelemetry } from './telemetry.ts'
import type { TObject } from '@sinclair/typebox'

/**
 * Runs one process as a container does: distributed adapters from the environment,
 * signal handlers for a graceful stop. A bad configuration exits 1 naming the variable.
 */
export async function runStandalone(
  name: ProcessName,
  start: (rt: Runtime) => Promise<unknown>,
  ownConfig?: TObject,
): Promise<void> {
  let shared
  try {
    shared = loadSharedConfig()
    // Validate the service's own settings before touching any server.
    if (ownConfig) loadConfig(ownConfig)
  } catch (err) {
    exitOnConfigError(err)
  }
  const logger = createLogger({ service: name, level: shared.LOG_LEVEL })
  const telemetry = initTelemetry({ service: name, exporterUrl: shared.OTEL_EXPORTER_OTLP_ENDPOINT })
  const lifecycle = createLifecycle(logger)
  lifecycle.add('telemetry', () => telemetry.shutdown())
  lifecycle.installSignalHandlers()
  try {
    const rt = await createDistributedRuntime(name, logger, lifecycle)
    await start(rt)
    logger.info({ port: rt.port }, `${name} listening on http://${rt.host}:${rt.port}`)
    announceReady()
  } catch (err) {
    logger.error({ err }, `${name} failed to start`)
    await lifecycle.shutdown('start failed').catch(() => {})
    if (err instanceof Error && err.name === 'ConfigError') exitOnConfigError(err)
    const taken = portTaken(name, err)
    if (taken) exitOnConfigError(taken)
    process.exit(1)
  }
}

/** The message a supervisor (scripts/start-distributed.ts) waits for: this process started and listens. */
export const READY_MESSAGE = { shop: 'ready' } as const

function announceReady(): void {
  if (!process.send) return
  process.send(READY_MESSAGE)
  // The channel must not keep the process alive once its lifecycle has stopped everything.
  process.channel?.unref()
}

/** A port that is taken or not ours to bind is a setting to change, not a crash to retry. */
function portTaken(name: ProcessName, err: unknown): ConfigError | undefined {
  const e = err as NodeJS.ErrnoException & { port?: number; address?: string }
  if (e?.code !== 'EADDRINUSE' && e?.code !== 'EACCES') return undefined
  const why = e.code === 'EADDRINUSE' ? 'is already in use' : 'may not be bound by this user'
  return new ConfigError([{ variable: `${name.toUpperCase()}_PORT`, message: `port ${e.port} on ${e.address} ${why}` }])
}

/** True when the module at `metaUrl` is the process's entry point (`tsx src/main.ts`). */
export function isEntryPoint(metaUrl: string): boolean {
  const entry = process.argv[1]
  if (!entry) return false
  return new URL(metaUrl).pathname === entry || new URL(metaUrl).pathname.replace(/\.ts$/, '') === entry
}
