import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { createMemoryCache } from '../src/cache-memory.ts'

// What only the memory adapter has: its sweep. The shared behaviour is in cache.test.ts.
describe('memory cache sweep', () => {
  it('frees expired keys that nobody reads, and keeps live ones', async () => {
    const cache = createMemoryCache({ sweepIntervalMs: 20 })
    try {
      for (let i = 0; i < 10; i++) await cache.set(`gone:${i}`, 'v', 30)
      await cache.set('stays', 'v', 10_000)
      await cache.set('forever', 'v')
      expect(cache.size).toBe(12)
      await sleep(100)
      expect(cache.size).toBe(2)
      expect(await cache.get('stays')).toBe('v')
    } finally {
      await cache.close()
    }
  })

  it('close stops the sweep and drops every key', async () => {
    const cache = createMemoryCache({ sweepIntervalMs: 10 })
    await cache.set('k', 'v')
    await cache.close()
    expect(cache.size).toBe(0)
    await expect(cache.set('k', 'v')).rejects.toThrow('closed')
  })
})
