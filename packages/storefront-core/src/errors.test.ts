import { ApiError } from '@shop/client'
import { describe, expect, it } from 'vitest'
import { messageFor, messageForCode } from './errors.ts'

const problem = (code: string, status = 409) => new ApiError({ status, code, title: 'English title', detail: 'English detail the shopper never sees' })

describe('error messages by code', () => {
  it('every code of the API contract has its own Korean sentence, never the English detail', () => {
    const codes = ['validation_failed', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'insufficient_stock', 'invalid_state', 'idempotency_key_reuse', 'amount_mismatch', 'rate_limited', 'upstream_unavailable', 'internal', 'purchase_limit_exceeded', 'tracking_number_taken', 'network']
    const messages = codes.map((c) => messageFor(problem(c)))
    for (const m of messages) {
      expect(m).toMatch(/[가-힣]/)
      expect(m).not.toContain('English')
    }
    expect(new Set(messages).size).toBe(codes.length)
  })

  it('a screen may say a code more precisely (a wrong password at sign-in, an e-mail already taken)', () => {
    expect(messageFor(problem('unauthorized', 401), 'login')).toBe('이메일 또는 비밀번호가 맞지 않아요.')
    expect(messageFor(problem('conflict'), 'signup')).toBe('이미 가입된 이메일이에요. 로그인해 주세요.')
    expect(messageFor(problem('not_found', 404), 'login')).toBe(messageFor(problem('not_found', 404)))
  })

  it('payment failure codes and anything unknown still get Korean words', () => {
    expect(messageForCode('card_declined')).toContain('거절')
    expect(messageForCode('insufficient_funds')).toContain('부족')
    expect(messageForCode('something_new')).toBe(messageForCode('internal'))
    expect(messageFor(new Error('boom'))).toBe(messageForCode('internal'))
  })
})
