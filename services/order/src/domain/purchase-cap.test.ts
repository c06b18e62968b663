import { describe, expect, it } from 'vitest'
import { capBreaches, capEnabled, PurchaseLimitExceeded } from './purchase-cap.ts'

const cap = { maxUnits: 3, windowHours: 24 }

describe('purchase cap rule', () => {
  it('when the cap is 0 it is off and nothing is a breach', () => {
    const off = { maxUnits: 0, windowHours: 24 }
    expect(capEnabled(off)).toBe(false)
    expect(capBreaches(off, new Map([['p', 1000]]), [{ productId: 'p', quantity: 100 }])).toEqual([])
  })

  it('when held plus asked reaches the cap exactly, the order passes', () => {
    expect(capBreaches(cap, new Map([['p', 2]]), [{ productId: 'p', quantity: 1 }])).toEqual([])
    expect(capBreaches(cap, new Map(), [{ productId: 'p', quantity: 3 }])).toEqual([])
  })

  it('when held plus asked passes the cap, that line is named with its figures', () => {
    const breaches = capBreaches(cap, new Map([['p', 2], ['q', 3]]), [
      { productId: 'p', quantity: 2 },
      { productId: 'r', quantity: 1 },
    ])
    expect(breaches).toEqual([{ productId: 'p', held: 2, asked: 2, limit: 3 }])
  })

  it('the refusal is a 409 purchase_limit_exceeded that says the limit and the window', () => {
    const err = new PurchaseLimitExceeded(cap, [{ productId: 'p', held: 2, asked: 2, limit: 3 }])
    expect(err).toMatchObject({ status: 409, code: 'purchase_limit_exceeded' })
    expect(err.detail).toContain('at most 3 per customer within 24 h')
  })
})
