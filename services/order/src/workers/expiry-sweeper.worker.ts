import type { Worker } from '@shop/platform/boot'
import type { OrderContext } from '../context.ts'
import { expireOrders } from '../use-cases/expire-orders.ts'

/**
 * The expiry sweeper: every ORDER_SWEEP_INTERVAL_MS, cancels unpaid orders past their
 * payment window, batch after batch until none is left. Safe on every replica at once.
 */
export function createExpirySweeper(ctx: OrderContext, opts: { intervalMs?: number } = {}): Worker {
  const intervalMs = opts.intervalMs ?? ctx.settings.sweepIntervalMs
  let timer: NodeJS.Timeout | undefined
  let running = false
  let pass: Promise<void> | undefined

  async function sweep(): Promise<void> {
    try {
      // A full batch means more may be waiting: go on without waiting for the next tick.
      while (running && (await expireOrders(ctx)) >= ctx.settings.sweepBatchSize) {
        /* next batch */
      }
    } catch (err) {
      ctx.logger.warn({ err: (err as Error).message }, 'expiry sweep failed; retrying on the next tick')
    }
  }

  function schedule() {
    if (!running) return
    timer = setTimeout(() => {
      pass = sweep().finally(() => {
        pass = undefined
        schedule()
      })
    }, intervalMs)
  }

  return {
    name: 'order expiry sweeper',
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
  }
}
