import { CARRIER_CODES } from '@shop/contracts/shipping'
import { describe, expect, it } from 'vitest'
import { CARRIERS, isTrackingNumberOf } from '../domain/carrier.ts'
import { createCarrierSimulator } from './simulator.carrier.ts'

describe('the carrier simulator', () => {
  it.each(CARRIER_CODES)('%s issues numbers in its own format, all different', async (code) => {
    const sim = createCarrierSimulator(code)
    const numbers = new Set<string>()
    for (let i = 0; i < 20; i++) {
      const { trackingNumber } = await sim.dispatch({ shipmentId: 's', orderId: 'o' })
      expect(trackingNumber).toHaveLength(CARRIERS[code].length)
      expect(isTrackingNumberOf(code, trackingNumber)).toBe(true)
      numbers.add(trackingNumber)
    }
    expect(numbers.size).toBe(20)
  })

  it('reports the hub scan after dispatch, the delivery after that, then nothing', async () => {
    const sim = createCarrierSimulator('CJ')
    expect(await sim.poll('x', 'DISPATCHED')).toEqual([{ status: 'IN_TRANSIT', location: CARRIERS.CJ.hub }])
    expect((await sim.poll('x', 'IN_TRANSIT')).map((s) => s.status)).toEqual(['DELIVERED'])
    expect(await sim.poll('x', 'DELIVERED')).toEqual([])
    expect(await sim.poll('x', 'READY')).toEqual([])
  })
})
