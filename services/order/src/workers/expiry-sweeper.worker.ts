import type { Worker } from '@shop/platform/boot'
import { periodicWorker } from '@shop/platform/worker'
import type { OrderContext } from '../context.ts'
import { foldDayTotals } from '../data/summary.repository.ts'
import { expireOrders } from '../use-cases/expire-orders.ts'

/**
 * The expiry sweeper: every ORDER_SWEEP_INTERVAL_MS, cancels unpaid orders past their
 * payment window, batch after batch until none is left; then folds the summary's appended
 * changes into its totals, so they stay few even when nobody asks for a summary. Safe on
 * every replica at once.
 */
export function createExpirySweeper(ctx: OrderContext, opts: { intervalMs?: number } = {}): Worker {
  let stopping = false
  const worker = periodicWorker({
    name: 'order expiry sweeper',
    intervalMs: opts.intervalMs ?? ctx.settings.sweepIntervalMs,
    logger: ctx.logger,
    async run() {
      // A full batch means more may be waiting: go on without waiting for the next tick.
      while (!stopping && (await expireOrders(ctx)) >= ctx.settings.sweepBatchSize) {
        /* next batch */
      }
      if (!stopping) await foldDayTotals(ctx.pool)
    },
  })
  return {
    ...worker,
    start() {
      stopping = false
      worker.start()
    },
    stop() {
      stopping = true
      return worker.stop()
    },
  }
}
