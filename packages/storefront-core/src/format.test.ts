import { describe, expect, it } from 'vitest'
import { formatDate, formatDateTime, formatWon } from './format.ts'

describe('money and dates', () => {
  it('writes integer KRW with thousands separators and 원, no decimals', () => {
    expect(formatWon(12000)).toBe('12,000원')
    expect(formatWon(0)).toBe('0원')
    expect(formatWon(1234567)).toBe('1,234,567원')
    expect(formatWon(-3000)).toBe('-3,000원')
  })

  it('writes a UTC instant in Korea time, nine hours ahead', () => {
    expect(formatDateTime('2026-12-04T05:05:00Z')).toBe('2026년 12월 4일 14:05')
    expect(formatDateTime('2026-12-04T00:00:00Z')).toBe('2026년 12월 4일 09:00')
  })

  it('crosses into the next Korean day at 15:00 UTC', () => {
    expect(formatDateTime('2026-12-31T14:59:00Z')).toBe('2026년 12월 31일 23:59')
    expect(formatDateTime('2026-12-31T15:00:00Z')).toBe('2027년 1월 1일 00:00')
    expect(formatDate('2026-12-31T15:00:00Z')).toBe('2027년 1월 1일')
  })
})
