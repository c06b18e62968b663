import { dehydrate, hydrate, QueryClient } from '@tanstack/react-query'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { servedState, timelessState } from './page-state.ts'

const product = { id: 'p1', name: '무선 이어폰', price: 49_000, stock: { available: 3 } }

/** What the server renderer sends for a page whose product was read at `at`. */
function rendered(at: number, data = product): string {
  vi.setSystemTime(at)
  const qc = new QueryClient()
  qc.setQueryData(['product', 'p1'], data)
  qc.setQueryData(['categories'], { items: [] })
  return JSON.stringify(timelessState(dehydrate(qc)))
}

afterEach(() => {
  vi.useRealTimers()
})

describe("a server-rendered page's data", () => {
  it('is the same bytes for the same answers read at different times, and other bytes for other answers', () => {
    vi.useFakeTimers()
    const first = rendered(Date.UTC(2026, 11, 5, 3, 0, 0))
    const later = rendered(Date.UTC(2026, 11, 5, 3, 0, 7))
    expect(later).toBe(first)
    expect(rendered(Date.UTC(2026, 11, 5, 3, 0, 8), { ...product, stock: { available: 2 } })).not.toBe(first)
  })

  it('is fresh in the browser that receives it, so the page does not ask the API again on load', () => {
    vi.useFakeTimers()
    const sent = JSON.parse(rendered(Date.UTC(2026, 11, 5, 3, 0, 0)))
    const now = Date.UTC(2026, 11, 5, 3, 10, 0)
    vi.setSystemTime(now)
    const browser = new QueryClient()
    hydrate(browser, servedState(sent, now))
    const query = browser.getQueryCache().find({ queryKey: ['product', 'p1'] })!
    expect(query.state.data).toEqual(product)
    expect(query.state.dataUpdatedAt).toBe(now)
    expect(query.isStaleByTime(30_000)).toBe(false)
    // stale once the page's own freshness has run out, as any read is
    vi.setSystemTime(now + 30_001)
    expect(query.isStaleByTime(30_000)).toBe(true)
  })

  it('does not replace newer data the browser already holds', () => {
    vi.useFakeTimers()
    const sent = JSON.parse(rendered(Date.UTC(2026, 11, 5, 3, 0, 0)))
    const browser = new QueryClient()
    vi.setSystemTime(Date.UTC(2026, 11, 5, 3, 10, 0))
    browser.setQueryData(['product', 'p1'], { ...product, stock: { available: 1 } })
    hydrate(browser, servedState(sent, Date.UTC(2026, 11, 5, 3, 5, 0)))
    expect(browser.getQueryData<typeof product>(['product', 'p1'])?.stock.available).toBe(1)
  })
})
