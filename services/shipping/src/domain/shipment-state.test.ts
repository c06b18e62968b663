import { SHIPMENT_STATUSES, type ShipmentStatus } from '@shop/contracts/shipping'
import { describe, expect, it } from 'vitest'
import { canTransition, isDispatched, TRANSITIONS } from './shipment-state.ts'

const allowed: [ShipmentStatus, ShipmentStatus][] = [
  ['READY', 'DISPATCHED'],
  ['READY', 'CANCELLED'],
  ['DISPATCHED', 'IN_TRANSIT'],
  ['DISPATCHED', 'DELIVERED'],
  ['IN_TRANSIT', 'DELIVERED'],
]

describe('the shipment state machine', () => {
  it('allows exactly the transitions of the design and nothing else', () => {
    for (const from of SHIPMENT_STATUSES) {
      for (const to of SHIPMENT_STATUSES) {
        const expected = allowed.some(([f, t]) => f === from && t === to)
        expect(canTransition(from, to), `${from} → ${to}`).toBe(expected)
      }
    }
  })

  it('has terminal DELIVERED and CANCELLED states', () => {
    expect(TRANSITIONS.DELIVERED).toEqual([])
    expect(TRANSITIONS.CANCELLED).toEqual([])
  })

  it('never lets a parcel that left the warehouse be cancelled', () => {
    for (const s of SHIPMENT_STATUSES.filter(isDispatched)) expect(canTransition(s, 'CANCELLED')).toBe(false)
    expect(SHIPMENT_STATUSES.filter(isDispatched)).toEqual(['DISPATCHED', 'IN_TRANSIT', 'DELIVERED'])
  })
})
