import type { Worker } from '@shop/platform/boot'
import { periodicWorker } from '@shop/platform/worker'
import type { Payments } from '../context.ts'
import { reconcileAll } from '../use-cases/reconcile.ts'

/**
 * Every PG_RECONCILE_INTERVAL_MS: asks the PG about charges whose call timed out (or
 * whose process died mid-call) and settles them, and retries refunds left PENDING.
 * Replicas may run it together: every settlement applies once.
 */
export function reconcilerWorker(p: Payments, intervalMs = p.reconcileIntervalMs): Worker {
  return periodicWorker({
    name: 'payment reconciler',
    intervalMs,
    logger: p.logger,
    async run() {
      const settled = await reconcileAll(p)
      if (settled.attempts || settled.refunds) p.logger.info(settled, 'reconciliation pass settled payments')
    },
  })
}
