import { describe, expect, it } from 'vitest'
import { tossFailureCode, tossOutcomeUnknown } from './toss-codes.ts'

describe('Toss error codes', () => {
  it('card and balance refusals map to our failure codes', () => {
    expect(tossFailureCode('REJECT_CARD_PAYMENT')).toBe('card_declined')
    expect(tossFailureCode('NOT_ENOUGH_BALANCE')).toBe('insufficient_funds')
    expect(tossFailureCode('EXCEED_MAX_DAILY_PAYMENT_COUNT')).toBe('limit_exceeded')
    expect(tossFailureCode('INVALID_CARD_EXPIRATION')).toBe('card_expired')
  })

  it('a code we do not know is a generic decline', () => {
    expect(tossFailureCode('SOMETHING_NEW')).toBe('pg_declined')
  })

  it('codes that do not say whether Toss charged are unknown outcomes, not declines', () => {
    expect(tossOutcomeUnknown('ALREADY_PROCESSED_PAYMENT')).toBe(true)
    expect(tossOutcomeUnknown('PROVIDER_ERROR')).toBe(true)
    expect(tossOutcomeUnknown('REJECT_CARD_PAYMENT')).toBe(false)
  })
})
