import type { Logger } from './logger.ts'

/** A stop function: close a server, stop a consumer, end a pool. */
export type Stop = () => Promise<unknown> | void

export interface SignalOptions {
  /** Force exit with code 1 when the graceful stop takes longer (default 10 s). */
  timeoutMs?: number
  /** How the process ends; process.exit unless a caller needs otherwise. */
  exit?: (code: number) => void
  /**
   * Signals within this long of the first are the same stop, not a second one (default
   * 1 s): Ctrl-C reaches every process of the terminal's group, and npm passes its copy
   * on again, so one keypress arrives two or three times within milliseconds.
   */
  repeatWindowMs?: number
}

export interface Lifecycle {
  /** Registers a stop function; they run in reverse order of registration. */
  add(name: string, stop: Stop): void
  /** Runs every stop function once, last registered first; never rejects. */
  shutdown(reason?: string): Promise<void>
  /** SIGTERM/SIGINT run shutdown then exit; a deliberate second signal (after the repeat window) or the timeout exits 1 at once. Returns an uninstaller. */
  installSignalHandlers(opts?: SignalOptions): () => void
  /** True once shutdown has started. */
  readonly stopping: boolean
}

/**
 * The process's ordered shutdown. Components register as they start, so reverse order
 * stops the edge first (HTTP stops accepting and drains), then consumers and relays,
 * and closes pools and broker connections last, when nothing can use them any more.
 */
export function createLifecycle(logger: Logger): Lifecycle {
  const stops: { name: string; stop: Stop }[] = []
  let running: Promise<void> | undefined
  let finished = false
  let failures = 0

  async function runOne(name: string, stop: Stop): Promise<void> {
    const started = Date.now()
    try {
      await stop()
      logger.debug({ component: name, ms: Date.now() - started }, 'stopped')
    } catch (err) {
      failures += 1
      logger.error({ err, component: name }, 'stop failed')
    }
  }

  async function runAll(reason: string): Promise<void> {
    logger.info({ reason, components: stops.length }, 'shutting down')
    // Popping (not iterating) also runs what registers while the shutdown is under way.
    for (let next = stops.pop(); next; next = stops.pop()) await runOne(next.name, next.stop)
    finished = true
    logger.info({ reason, failures }, 'shutdown complete')
  }

  const lifecycle: Lifecycle = {
    add(name, stop) {
      // Something that finished starting after the shutdown must not outlive it.
      if (finished) void runOne(name, stop)
      else stops.push({ name, stop })
    },
    shutdown(reason = 'shutdown') {
      running ??= runAll(reason)
      return running
    },
    installSignalHandlers(opts = {}) {
      const timeoutMs = opts.timeoutMs ?? 10_000
      const exit = opts.exit ?? ((code: number) => process.exit(code))
      const repeatWindowMs = opts.repeatWindowMs ?? 1000
      let firstAt: number | undefined
      const onSignal = (signal: NodeJS.Signals) => {
        if (firstAt !== undefined) {
          if (Date.now() - firstAt < repeatWindowMs) {
            logger.debug({ signal }, 'signal repeated by the process group: already stopping')
            return
          }
          logger.warn({ signal }, 'second signal: exiting now')
          exit(1)
          return
        }
        firstAt = Date.now()
        const timer = setTimeout(() => {
          logger.error({ signal, timeoutMs }, 'graceful shutdown timed out: exiting')
          exit(1)
        }, timeoutMs)
        void lifecycle.shutdown(signal).then(() => {
          clearTimeout(timer)
          exit(failures > 0 ? 1 : 0)
        })
      }
      process.on('SIGTERM', onSignal)
      process.on('SIGINT', onSignal)
      return () => {
        process.off('SIGTERM', onSignal)
        process.off('SIGINT', onSignal)
      }
    },
    get stopping() {
      return running !== undefined
    },
  }
  return lifecycle
}
