import { describe, expect, it } from 'vitest'
import { createPreparations } from './preparations.ts'

describe('preparations', () => {
  it('a waiter wakes as soon as its order is prepared, not for another order', async () => {
    const p = createPreparations()
    const mine = p.wait('a', 1000)
    const other = p.wait('b', 30)
    p.prepared('a')
    expect(await mine).toBe(true)
    expect(await other).toBe(false)
  })

  it('an order prepared just before the wait began is known at once, without waiting', async () => {
    const p = createPreparations()
    p.prepared('a')
    // Only the news answers true; a wait that had to run out would answer false, a minute later.
    expect(await p.wait('a', 60_000)).toBe(true)
    expect(p.waiting('a')).toBe(false)
  })

  it('tells whether a request waits for an order, until its news or its time ends the wait', async () => {
    const p = createPreparations()
    const mine = p.wait('a', 60_000)
    expect([p.waiting('a'), p.waiting('b')]).toEqual([true, false])
    p.prepared('a')
    expect(await mine).toBe(true)
    expect(p.waiting('a')).toBe(false)
    const other = p.wait('b', 10)
    expect(p.waiting('b')).toBe(true)
    expect(await other).toBe(false)
    expect(p.waiting('b')).toBe(false)
  })

  it('every waiter of one order wakes, and a wait without news ends false after its time', async () => {
    const p = createPreparations()
    const both = Promise.all([p.wait('a', 1000), p.wait('a', 1000)])
    p.prepared('a')
    expect(await both).toEqual([true, true])
    expect(await p.wait('c', 20)).toBe(false)
  })
})
