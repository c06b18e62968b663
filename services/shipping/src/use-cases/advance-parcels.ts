import type { CarrierCode } from '@shop/contracts/shipping'
import { withTransaction } from '@shop/platform/db'
import type { Shipping } from '../context.ts'
import { claimParcelsOnTheRoad, touchShipment } from '../data/shipment.repository.ts'
import { canTransition } from '../domain/shipment-state.ts'
import { applyTransition } from './apply-transition.ts'

/**
 * One carrier poll: for parcels on the road not updated for `minAgeMs`, asks their
 * carrier for new scans and applies each through applyTransition (the admin route's
 * path, so the same tracking events and outbox events). Each parcel is claimed in its
 * own transaction with SKIP LOCKED, so replicas share the work and one bad parcel does
 * not hold back the rest. Returns how many status changes were applied.
 */
export async function advanceParcels(s: Shipping, opts: { minAgeMs: number; limit?: number }): Promise<number> {
  // Fixed at the start: a parcel moved (or touched) in this pass is newer and not picked again.
  const before = new Date(s.now().getTime() - opts.minAgeMs)
  const limit = opts.limit ?? 100
  let applied = 0
  for (let i = 0; i < limit; i++) {
    let claimed: string | undefined
    try {
      const step = await withTransaction(s.pool, async (client) => {
        const [parcel] = await claimParcelsOnTheRoad(client, { before, limit: 1 })
        if (!parcel) return null
        claimed = parcel.id
        const scans = await s.carriers[parcel.carrier as CarrierCode].poll(parcel.trackingNumber as string, parcel.status)
        let current = parcel
        let n = 0
        for (const scan of scans) {
          if (!canTransition(current.status, scan.status)) continue
          current = await applyTransition(client, s, current, scan)
          n++
        }
        if (n === 0) await touchShipment(client, parcel.id, s.now())
        return n
      })
      if (step === null) break
      applied += step
    } catch (err) {
      if (!claimed) throw err
      s.logger.warn({ err, shipmentId: claimed }, 'carrier poll failed; trying this parcel again next pass')
      await touchShipment(s.pool, claimed, s.now())
    }
  }
  if (applied > 0) s.eventsCommitted()
  return applied
}
