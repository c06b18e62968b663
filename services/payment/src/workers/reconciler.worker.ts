import type { Worker } from '@shop/platform/boot'
import type { Payments } from '../context.ts'
import { reconcileAll } from '../use-cases/reconcile.ts'

/**
 * Every PG_RECONCILE_INTERVAL_MS: asks the PG about charges whose call timed out (or
 * whose process died mid-call) and settles them, and retries refunds left PENDING.
 * Replicas may run it together: every settlement applies once.
 */
export function reconcilerWorker(p: Payments, intervalMs = p.reconcileIntervalMs): Worker {
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  const pass = async () => {
    try {
      const settled = await reconcileAll(p)
      if (settled.attempts || settled.refunds) p.logger.info(settled, 'reconciliation pass settled payments')
    } catch (err) {
      p.logger.warn({ err }, 'reconciliation pass failed; will retry')
    }
  }
  return {
    name: 'payment reconciler',
    start() {
      timer = setInterval(() => {
        running ??= pass().finally(() => (running = undefined))
      }, intervalMs)
      timer.unref()
    },
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
