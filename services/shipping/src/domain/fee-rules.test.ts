import { ValidationFailed } from '@shop/platform/errors'
import { Value } from '@sinclair/typebox/value'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkFeeRules, DEFAULT_FEE_RULES, FeeRules, quoteFee, type FeeRules as Rules } from './fee-rules.ts'

const fee = (subtotal: number, postalCode: string) => quoteFee(DEFAULT_FEE_RULES, { subtotal, postalCode }).fee

describe('quoteFee with the default rules', () => {
  it('charges the 3,000 KRW base fee below 50,000 and nothing from 50,000', () => {
    expect(fee(0, '06236')).toBe(3000)
    expect(fee(49_999, '06236')).toBe(3000)
    expect(fee(50_000, '06236')).toBe(0)
    expect(fee(1_000_000, '06236')).toBe(0)
  })

  it('lists the base fee and the free-shipping waiver so the lines add up to the fee', () => {
    expect(quoteFee(DEFAULT_FEE_RULES, { subtotal: 49_999, postalCode: '06236' })).toEqual({
      fee: 3000,
      currency: 'KRW',
      breakdown: [{ kind: 'base', amount: 3000 }],
      freeFrom: 50_000,
    })
    expect(quoteFee(DEFAULT_FEE_RULES, { subtotal: 50_000, postalCode: '06236' }).breakdown).toEqual([
      { kind: 'base', amount: 3000 },
      { kind: 'free_shipping', amount: -3000 },
    ])
  })

  it('adds 3,000 for Jeju exactly from 63000 to 63644', () => {
    expect(fee(10_000, '62999')).toBe(3000)
    expect(fee(10_000, '63000')).toBe(6000)
    expect(fee(10_000, '63644')).toBe(6000)
    expect(fee(10_000, '63645')).toBe(3000)
    expect(quoteFee(DEFAULT_FEE_RULES, { subtotal: 10_000, postalCode: '63000' }).breakdown).toEqual([
      { kind: 'base', amount: 3000 },
      { kind: 'jeju', amount: 3000 },
    ])
  })

  it('still charges the Jeju surcharge when the base fee is free', () => {
    expect(fee(50_000, '63000')).toBe(3000)
    expect(fee(49_999, '63000')).toBe(6000)
  })

  it.each([
    ['23000', '22999', '23011'],
    ['23010', '22999', '23011'],
    ['23100', '23099', '23117'],
    ['23116', '23099', '23117'],
    ['23124', '23123', '23137'],
    ['23136', '23123', '23137'],
    ['40200', '40199', '40241'],
    ['40240', '40199', '40241'],
    ['58800', '58799', '58867'],
    ['58866', '58799', '58867'],
    ['59100', '59099', '59167'],
    ['59166', '59099', '59167'],
  ])('adds 5,000 for the island code %s and not just outside its range (%s, %s)', (inside, below, above) => {
    expect(fee(10_000, inside)).toBe(8000)
    expect(quoteFee(DEFAULT_FEE_RULES, { subtotal: 10_000, postalCode: inside }).breakdown).toContainEqual({
      kind: 'remote_island',
      amount: 5000,
    })
    expect(fee(10_000, below)).toBe(3000)
    expect(fee(10_000, above)).toBe(3000)
  })

  it('still charges the island surcharge when the base fee is free', () => {
    expect(fee(50_000, '40200')).toBe(5000)
    expect(fee(120_000, '58800')).toBe(5000)
  })

  it.each(['1234', '123456', 'abcde', '6300 ', '', '63-00'])('refuses the postal code %j with validation_failed', (postalCode) => {
    const attempt = () => quoteFee(DEFAULT_FEE_RULES, { subtotal: 10_000, postalCode })
    expect(attempt).toThrow(ValidationFailed)
    try {
      attempt()
    } catch (err) {
      expect((err as ValidationFailed).code).toBe('validation_failed')
      expect((err as ValidationFailed).errors).toEqual([{ path: '/postalCode', message: expect.any(String) }])
    }
  })

  it.each([-1, 1.5, Number.NaN, 2 ** 53])('refuses the subtotal %s', (subtotal) => {
    expect(() => quoteFee(DEFAULT_FEE_RULES, { subtotal, postalCode: '06236' })).toThrow(ValidationFailed)
  })

  it('for any subtotal and postal code, the fee is the sum of its lines and never negative', () => {
    const code = fc.integer({ min: 0, max: 99_999 }).map((n) => String(n).padStart(5, '0'))
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), code, (subtotal, postalCode) => {
        const q = quoteFee(DEFAULT_FEE_RULES, { subtotal, postalCode })
        expect(q.fee).toBe(q.breakdown.reduce((sum, l) => sum + l.amount, 0))
        expect(q.fee).toBeGreaterThanOrEqual(0)
        expect(Number.isInteger(q.fee)).toBe(true)
      }),
    )
  })
})

describe('fee rules as data', () => {
  it('the defaults satisfy the rules schema and have no backwards range', () => {
    expect(Value.Check(FeeRules, DEFAULT_FEE_RULES)).toBe(true)
    expect(checkFeeRules(DEFAULT_FEE_RULES)).toEqual([])
  })

  it('applies the first matching surcharge area only', () => {
    const rules: Rules = {
      baseFee: 2500,
      freeFrom: 30_000,
      surcharges: [
        { kind: 'near', amount: 1000, ranges: [{ from: '10000', to: '10999' }] },
        { kind: 'wide', amount: 9000, ranges: [{ from: '10000', to: '19999' }] },
      ],
    }
    expect(quoteFee(rules, { subtotal: 0, postalCode: '10500' }).fee).toBe(3500)
    expect(quoteFee(rules, { subtotal: 0, postalCode: '11000' }).fee).toBe(11_500)
    expect(quoteFee(rules, { subtotal: 30_000, postalCode: '09999' }).fee).toBe(0)
  })

  it('reports a range written backwards', () => {
    const rules: Rules = { ...DEFAULT_FEE_RULES, surcharges: [{ kind: 'x', amount: 1, ranges: [{ from: '20000', to: '10000' }] }] }
    expect(checkFeeRules(rules)).toEqual(['surcharge x: range 20000-10000 is backwards'])
  })
})
