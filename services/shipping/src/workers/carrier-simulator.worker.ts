import type { Worker } from '@shop/platform/boot'
import type { Shipping } from '../context.ts'
import { advanceParcels } from '../use-cases/advance-parcels.ts'

/**
 * Moves dispatched parcels along on their own (demo mode): every step it polls the
 * carriers for parcels that have not moved for half a step, so each parcel goes
 * DISPATCHED → IN_TRANSIT → DELIVERED about one step apart. Passes never overlap.
 */
export function createCarrierSimulatorWorker(s: Shipping, opts: { stepSeconds: number }): Worker {
  const stepMs = opts.stepSeconds * 1000
  let timer: NodeJS.Timeout | undefined
  let pass: Promise<void> | undefined

  const tick = () => {
    if (pass) return
    pass = advanceParcels(s, { minAgeMs: stepMs / 2 })
      .then(
        (moved) => {
          if (moved) s.logger.debug({ moved }, 'carrier simulator advanced parcels')
        },
        (err: unknown) => s.logger.warn({ err }, 'carrier simulator pass failed'),
      )
      .finally(() => {
        pass = undefined
      })
  }

  return {
    name: 'carrier simulator',
    start() {
      if (timer) return
      timer = setInterval(tick, stepMs)
      timer.unref()
    },
    async stop() {
      clearInterval(timer)
      timer = undefined
      await pass
    },
  }
}
