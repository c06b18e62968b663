import type { Worker } from './boot.ts'

export interface PeriodicWorkerOptions {
  name: string
  intervalMs: number
  /** One pass; its failure is logged and the next pass runs on schedule. */
  run(): Promise<unknown>
  logger: { warn(obj: object, msg?: string): void }
}

/**
 * A background job that runs one pass every `intervalMs`, never two passes at once
 * (the next waits for the previous to finish), and whose stop() waits for the pass in
 * flight. Replica safety is the pass's own business (FOR UPDATE SKIP LOCKED).
 */
export function periodicWorker(opts: PeriodicWorkerOptions): Worker & { runOnce(): Promise<unknown> } {
  let timer: NodeJS.Timeout | undefined
  let pass: Promise<unknown> | undefined
  let running = false
  const runOnce = (): Promise<unknown> => {
    pass ??= opts
      .run()
      .catch((err) => opts.logger.warn({ err, worker: opts.name }, `${opts.name}: pass failed, retrying on the next tick`))
      .finally(() => (pass = undefined))
    return pass
  }
  const schedule = () => {
    if (!running) return
    timer = setTimeout(() => void runOnce().finally(schedule), opts.intervalMs)
    timer.unref()
  }
  return {
    name: opts.name,
    start() {
      if (running) return
      running = true
      schedule()
    },
    async stop() {
      running = false
      clearTimeout(timer)
      await pass
    },
    runOnce,
  }
}
