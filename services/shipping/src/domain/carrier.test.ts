import { describe, expect, it } from 'vitest'
import { checkDigit, formatTrackingNumber, isTrackingNumberOf } from './carrier.ts'

describe('waybill numbers', () => {
  it('end with the mod-7 check digit of the digits before it', () => {
    expect(checkDigit('60000000000')).toBe(String(60000000000 % 7))
    expect(checkDigit('612345678901')).toBe(String(612345678901 % 7))
    expect(formatTrackingNumber('CJ', '1234567890')).toBe(`61234567890${61234567890 % 7}`)
  })

  it('are recognised by carrier, and a wrong check digit or prefix is not', () => {
    const tn = formatTrackingNumber('HANJIN', '0000012345')
    expect(isTrackingNumberOf('HANJIN', tn)).toBe(true)
    expect(isTrackingNumberOf('LOTTE', tn)).toBe(false)
    const wrong = `${tn.slice(0, -1)}${(Number(tn.slice(-1)) + 1) % 10}`
    expect(isTrackingNumberOf('HANJIN', wrong)).toBe(false)
    expect(() => formatTrackingNumber('EPOST', '123')).toThrow()
  })
})
