import { describe, expect, it } from 'vitest'
import { etagOf, fellBelow, normaliseLines, parseIfMatch, sameLines } from './inventory-rules.ts'

const A = '00000000-0000-4000-8000-00000000000a'
const B = '00000000-0000-4000-8000-00000000000b'

describe('reservation lines', () => {
  it('merges repeated products and sorts by product id (the lock order)', () => {
    expect(normaliseLines([{ productId: B, quantity: 1 }, { productId: A, quantity: 2 }, { productId: B.toUpperCase(), quantity: 3 }])).toEqual([
      { productId: A, quantity: 2 },
      { productId: B, quantity: 4 },
    ])
  })

  it('compares line sets regardless of order and splitting', () => {
    expect(sameLines([{ productId: A, quantity: 2 }, { productId: B, quantity: 1 }], [{ productId: B, quantity: 1 }, { productId: A, quantity: 1 }, { productId: A, quantity: 1 }])).toBe(true)
    expect(sameLines([{ productId: A, quantity: 2 }], [{ productId: A, quantity: 3 }])).toBe(false)
    expect(sameLines([{ productId: A, quantity: 2 }], [{ productId: A, quantity: 2 }, { productId: B, quantity: 1 }])).toBe(false)
  })
})

describe('low stock', () => {
  it('fires only when a change crosses the threshold downwards', () => {
    expect(fellBelow(5, 4, 5)).toBe(true)
    expect(fellBelow(10, 0, 5)).toBe(true)
    expect(fellBelow(4, 3, 5)).toBe(false)
    expect(fellBelow(6, 5, 5)).toBe(false)
    expect(fellBelow(3, 8, 5)).toBe(false)
  })
})

describe('If-Match', () => {
  it('reads strong, weak and bare versions', () => {
    expect(parseIfMatch('"7"')).toBe(7)
    expect(parseIfMatch('W/"7"')).toBe(7)
    expect(parseIfMatch('7')).toBe(7)
    expect(parseIfMatch(etagOf(12))).toBe(12)
  })

  it('treats absent and * as unconditional', () => {
    expect(parseIfMatch(undefined)).toBeUndefined()
    expect(parseIfMatch('*')).toBeUndefined()
  })

  it('returns null for tags we never issue', () => {
    expect(parseIfMatch('"abc"')).toBeNull()
    expect(parseIfMatch('"1", "2"')).toBeNull()
    expect(parseIfMatch('"-1"')).toBeNull()
  })
})
