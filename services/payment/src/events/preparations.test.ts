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

  it('an order prepared just before the wait began is known at once', async () => {
    const p = createPreparations()
    p.prepared('a')
    const started = Date.now()
    expect(await p.wait('a', 1000)).toBe(true)
    expect(Date.now() - started).toBeLessThan(100)
  })

  it('every waiter of one order wakes, and a wait without news ends false after its time', async () => {
    const p = createPreparations()
    const both = Promise.all([p.wait('a', 1000), p.wait('a', 1000)])
    p.prepared('a')
    expect(await both).toEqual([true, true])
    expect(await p.wait('c', 20)).toBe(false)
  })
})
