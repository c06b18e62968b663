import { randomInt } from 'node:crypto'
import { CARRIER_CODES, type CarrierCode } from '@shop/contracts/shipping'
import { type CarrierAdapter, CARRIERS, formatTrackingNumber } from '../domain/carrier.ts'

/**
 * The built-in carrier simulator: waybill numbers in the carrier's own format, and a
 * parcel that moves one scan further each time it is polled (hub, then delivery).
 */
export function createCarrierSimulator(code: CarrierCode): CarrierAdapter {
  const info = CARRIERS[code]
  const width = info.length - 2
  return {
    code,
    async dispatch() {
      let serial = ''
      for (let i = 0; i < width; i++) serial += String(randomInt(10))
      return { trackingNumber: formatTrackingNumber(code, serial) }
    },
    async poll(_trackingNumber, known) {
      if (known === 'DISPATCHED') return [{ status: 'IN_TRANSIT', location: info.hub }]
      if (known === 'IN_TRANSIT') return [{ status: 'DELIVERED', location: `${info.name} 배송지 관할 대리점` }]
      return []
    },
  }
}

/** One simulator per carrier code. */
export function createCarrierSimulators(): Record<CarrierCode, CarrierAdapter> {
  return Object.fromEntries(CARRIER_CODES.map((c) => [c, createCarrierSimulator(c)])) as Record<CarrierCode, CarrierAdapter>
}
