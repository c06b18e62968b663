import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor, InvalidCursor, type SortKey } from './cursor.ts'

const id = '6f1c1a4e-8a7b-4c1e-9a55-0c2b7d1e9f00'
const createdAt = '2025-03-01T09:15:30.123456Z'

describe('keyset cursors', () => {
  const keys: SortKey[] = [
    { sort: 'newest', createdAt, id },
    { sort: 'price_asc', price: 12_900, id },
    { sort: 'price_desc', price: 0, id },
    { sort: 'relevance', window: { createdAt: '2025-02-01T00:00:00.000001Z', id }, ranked: true, score: 42, createdAt, id },
    { sort: 'relevance', window: null, ranked: true, score: 0, createdAt, id },
    { sort: 'relevance', window: { createdAt, id }, ranked: false, score: 0, createdAt, id },
  ]

  it.each(keys)('round-trips a $sort key', (key) => {
    const cursor = encodeCursor(key)
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(decodeCursor(cursor, key.sort)).toEqual(key)
  })

  it('keeps microseconds so the next page starts exactly after the last row', () => {
    const key = decodeCursor(encodeCursor({ sort: 'newest', createdAt, id }), 'newest')
    expect(key).toMatchObject({ createdAt: '2025-03-01T09:15:30.123456Z' })
  })

  it('refuses a cursor made for another sort order', () => {
    const cursor = encodeCursor({ sort: 'price_asc', price: 100, id })
    expect(() => decodeCursor(cursor, 'price_desc')).toThrow(InvalidCursor)
  })

  const raw = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
  it.each([
    ['garbage', 'not base64url!', 'newest'],
    ['non-JSON', Buffer.from('hello').toString('base64url'), 'newest'],
    ['null', raw(null), 'newest'],
    ['a bad id', raw({ s: 'newest', k: [createdAt, 'x'] }), 'newest'],
    ['a millisecond timestamp', raw({ s: 'newest', k: ['2025-03-01T09:15:30.123Z', id] }), 'newest'],
    ['a fractional price', raw({ s: 'price_asc', k: [1.5, id] }), 'price_asc'],
    ['a missing score', raw({ s: 'relevance', k: [null, null, 1, createdAt, id] }), 'relevance'],
    ['half a window', raw({ s: 'relevance', k: [createdAt, null, 1, 5, createdAt, id] }), 'relevance'],
    ['a bad ranked flag', raw({ s: 'relevance', k: [null, null, 2, 5, createdAt, id] }), 'relevance'],
  ] as const)('refuses %s', (_label, cursor, sort) => {
    expect(() => decodeCursor(cursor, sort)).toThrow(InvalidCursor)
  })
})
