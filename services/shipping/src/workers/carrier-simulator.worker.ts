import type { Worker } from '@shop/platform/boot'
import { periodicWorker } from '@shop/platform/worker'
import type { Shipping } from '../context.ts'
import { advanceParcels } from '../use-cases/advance-parcels.ts'

/**
 * Moves dispatched parcels along on their own (demo mode): every step it polls the
 * carriers for parcels that have not moved for half a step, so each parcel goes
 * DISPATCHED → IN_TRANSIT → DELIVERED about one step apart. Passes never overlap.
 */
export function createCarrierSimulatorWorker(s: Shipping, opts: { stepSeconds: number }): Worker {
  const stepMs = opts.stepSeconds * 1000
  return periodicWorker({
    name: 'carrier simulator',
    intervalMs: stepMs,
    logger: s.logger,
    async run() {
      const moved = await advanceParcels(s, { minAgeMs: stepMs / 2 })
      if (moved) s.logger.debug({ moved }, 'carrier simulator advanced parcels')
    },
  })
}
