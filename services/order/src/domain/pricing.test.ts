import { describe, expect, it } from 'vitest'
import { checkRequestedItems, priceLines, ReservationMismatch, subtotalOf } from './pricing.ts'

const A = '00000000-0000-4000-8000-00000000000a'
const B = '00000000-0000-4000-8000-00000000000b'

describe('order pricing', () => {
  it('prices each line from the reservation, in the order the client asked', () => {
    const lines = priceLines(
      [
        { productId: A, quantity: 2 },
        { productId: B, quantity: 1 },
      ],
      [
        { productId: B, quantity: 1, unitPrice: 5_000, name: '충전기' },
        { productId: A, quantity: 2, unitPrice: 12_345, name: '무선이어폰 프로' },
      ],
    )
    expect(lines).toEqual([
      { productId: A, name: '무선이어폰 프로', unitPrice: 12_345, quantity: 2, lineTotal: 24_690 },
      { productId: B, name: '충전기', unitPrice: 5_000, quantity: 1, lineTotal: 5_000 },
    ])
    expect(subtotalOf(lines)).toBe(29_690)
  })

  it('refuses a reservation that misses a product or reserved another quantity', () => {
    expect(() => priceLines([{ productId: A, quantity: 1 }], [{ productId: B, quantity: 1, unitPrice: 1, name: 'x' }])).toThrow(
      ReservationMismatch,
    )
    expect(() => priceLines([{ productId: A, quantity: 2 }], [{ productId: A, quantity: 1, unitPrice: 1, name: 'x' }])).toThrow(
      ReservationMismatch,
    )
    expect(() => priceLines([{ productId: A, quantity: 1 }], [])).toThrow(ReservationMismatch)
  })

  it('flags a product asked twice and a quantity above the per-line cap', () => {
    const problems = checkRequestedItems(
      [
        { productId: A, quantity: 3 },
        { productId: A, quantity: 1 },
        { productId: B, quantity: 11 },
      ],
      10,
    )
    expect(problems).toEqual([
      { path: '/items/1/productId', message: 'appears more than once' },
      { path: '/items/2/quantity', message: 'must be at most 10 per order' },
    ])
    expect(checkRequestedItems([{ productId: A, quantity: 10 }], 10)).toEqual([])
  })
})
