import type { Worker } from '@shop/platform/boot'
import type { ProductContext } from '../context.ts'
import { expireReservations } from '../use-cases/expire-reservations.ts'

export interface ReservationSweeper extends Worker {
  /** Expires everything due now; resolves with how many reservations it released. */
  sweepOnce(): Promise<number>
}

const BATCH = 100

/** A Worker that releases expired reservations every interval; replicas share the work via SKIP LOCKED. */
export function createReservationSweeper(ctx: ProductContext, intervalMs = ctx.settings.RESERVATION_SWEEP_INTERVAL_MS): ReservationSweeper {
  let timer: NodeJS.Timeout | null = null
  let running = false
  let stopped = false
  let inFlight: Promise<unknown> = Promise.resolve()

  async function sweepOnce(): Promise<number> {
    let total = 0
    for (;;) {
      const n = await expireReservations(ctx, BATCH)
      total += n
      if (n < BATCH || stopped) break
    }
    if (total > 0) ctx.logger.info({ released: total }, 'expired reservations released')
    return total
  }

  function schedule() {
    if (!running) return
    timer = setTimeout(() => {
      inFlight = sweepOnce()
        .catch((err: unknown) => ctx.logger.error({ err }, 'reservation sweep failed'))
        .finally(schedule)
    }, intervalMs)
    timer.unref()
  }

  return {
    name: 'reservation sweeper',
    start() {
      if (running) return
      running = true
      schedule()
    },
    async stop() {
      running = false
      stopped = true
      if (timer) clearTimeout(timer)
      await inFlight
    },
    sweepOnce,
  }
}
