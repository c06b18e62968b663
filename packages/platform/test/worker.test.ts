import { describe, expect, it } from 'vitest'
import { periodicWorker } from '../src/worker.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('periodicWorker', () => {
  it('runs passes on its interval, never two at once, and stop() waits for the pass in flight', async () => {
    let active = 0
    let maxActive = 0
    let passes = 0
    let finished = 0
    const w = periodicWorker({
      name: 'slow',
      intervalMs: 5,
      logger: { warn: () => {} },
      run: async () => {
        active++
        maxActive = Math.max(maxActive, active)
        passes++
        await sleep(30)
        active--
        finished++
      },
    })
    w.start()
    // a manual pass while one may be in flight joins it instead of starting a second
    await sleep(10)
    await Promise.all([w.runOnce(), w.runOnce()])
    await sleep(80)
    await w.stop()
    expect(maxActive).toBe(1)
    expect(passes).toBeGreaterThanOrEqual(2)
    expect(finished).toBe(passes)
    const after = passes
    await sleep(40)
    expect(passes).toBe(after)
  })

  it('logs a failing pass and keeps running', async () => {
    const warnings: string[] = []
    let calls = 0
    const w = periodicWorker({
      name: 'flaky',
      intervalMs: 5,
      logger: { warn: (_o, msg) => void warnings.push(String(msg)) },
      run: async () => {
        calls++
        if (calls === 1) throw new Error('boom')
      },
    })
    w.start()
    await sleep(60)
    await w.stop()
    expect(warnings[0]).toMatch(/flaky: pass failed/)
    expect(calls).toBeGreaterThan(1)
  })
})
