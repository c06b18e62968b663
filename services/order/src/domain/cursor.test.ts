import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor, InvalidCursor } from './cursor.ts'

describe('order list cursor', () => {
  it('round-trips the exact key', () => {
    const key = { createdAt: '2025-03-01T09:15:30.123456Z', id: '3f1c2b9e-8a7d-4c6b-9e5f-1a2b3c4d5e6f' }
    expect(decodeCursor(encodeCursor(key))).toEqual(key)
  })

  it('refuses anything that is not one of its cursors', () => {
    const bad = [
      'not a cursor!',
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('["2025-03-01T09:15:30.123Z","3f1c2b9e-8a7d-4c6b-9e5f-1a2b3c4d5e6f"]').toString('base64url'),
      Buffer.from('["2025-03-01T09:15:30.123456Z","nope"]').toString('base64url'),
      Buffer.from('["2025-13-45T09:15:30.123456Z","3f1c2b9e-8a7d-4c6b-9e5f-1a2b3c4d5e6f"]').toString('base64url'),
    ]
    for (const c of bad) expect(() => decodeCursor(c), c).toThrow(InvalidCursor)
  })
})
