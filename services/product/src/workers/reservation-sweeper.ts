import type { Worker } from '@shop/platform/boot'
import { periodicWorker } from '@shop/platform/worker'
import type { ProductContext } from '../context.ts'
import { expireReservations } from '../use-cases/expire-reservations.ts'

export interface ReservationSweeper extends Worker {
  /** Expires everything due now; resolves with how many reservations it released. */
  sweepOnce(): Promise<number>
}

const BATCH = 100

/** A Worker that releases expired reservations every interval; replicas share the work via SKIP LOCKED. */
export function createReservationSweeper(ctx: ProductContext, intervalMs = ctx.settings.RESERVATION_SWEEP_INTERVAL_MS): ReservationSweeper {
  let stopping = false

  async function sweepOnce(): Promise<number> {
    let total = 0
    for (;;) {
      const n = await expireReservations(ctx, BATCH)
      total += n
      if (n < BATCH || stopping) break
    }
    if (total > 0) ctx.logger.info({ released: total }, 'expired reservations released')
    return total
  }

  const worker = periodicWorker({ name: 'reservation sweeper', intervalMs, logger: ctx.logger, run: sweepOnce })
  return {
    name: worker.name,
    start() {
      stopping = false
      worker.start()
    },
    stop() {
      stopping = true
      return worker.stop()
    },
    sweepOnce,
  }
}
