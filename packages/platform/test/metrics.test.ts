import { register as globalRegistry } from 'prom-client'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPool } from '../src/db.ts'
import { createMetrics, registerPoolMetrics } from '../src/metrics.ts'
import { createTestDatabase, type TestDatabase } from '../src/testing.ts'

/** Sample lines of one metric as `labels → value`. */
async function samples(registry: { metrics(): Promise<string> }, name: string): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  for (const line of (await registry.metrics()).split('\n')) {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (m && m[1] === name) out.set(m[2] ?? '', Number(m[3]))
  }
  return out
}

describe('createMetrics', () => {
  it('gives each service its own registry, so six services fit in one process', async () => {
    const order = createMetrics('order')
    const payment = createMetrics('payment')
    order.httpRequests.inc({ method: 'GET', route: '/orders', status_code: '200' })
    expect(order.registry).not.toBe(payment.registry)
    expect(order.registry).not.toBe(globalRegistry)
    expect([...(await samples(order.registry, 'http_requests_total')).values()]).toEqual([1])
    expect((await samples(payment.registry, 'http_requests_total')).size).toBe(0)
    expect(await globalRegistry.getSingleMetric('http_requests_total')).toBeUndefined()
    // Default process metrics on each, labelled with the service.
    expect([...(await samples(payment.registry, 'process_cpu_user_seconds_total')).keys()]).toEqual(['service="payment"'])
  })

  it('reads a gauge at scrape time, not at registration', async () => {
    const m = createMetrics('gauge-test')
    let backlog = 3
    m.gauge('outbox_backlog', 'Outbox rows not yet published', async () => backlog)
    expect((await samples(m.registry, 'outbox_backlog')).get('service="gauge-test"')).toBe(3)
    backlog = 11
    expect((await samples(m.registry, 'outbox_backlog')).get('service="gauge-test"')).toBe(11)
  })

  it('adds series under one gauge name by label, and leaves out a probe that fails', async () => {
    const m = createMetrics('breakers')
    m.gauge('breaker_state', 'Circuit breaker state (0 closed, 1 half-open, 2 open)', () => 0, { upstream: 'product' })
    m.gauge('breaker_state', 'Circuit breaker state (0 closed, 1 half-open, 2 open)', () => 2, { upstream: 'shipping' })
    m.gauge('breaker_state', 'Circuit breaker state (0 closed, 1 half-open, 2 open)', () => { throw new Error('probe broke') }, { upstream: 'pg' })
    const s = await samples(m.registry, 'breaker_state')
    expect(s.get('upstream="product",service="breakers"')).toBe(0)
    expect(s.get('upstream="shipping",service="breakers"')).toBe(2)
    expect(s.size).toBe(2)
    expect(() => m.gauge('breaker_state', 'x', () => 1, { other: 'label' })).toThrow(/label names/)
  })
})

describe('registerPoolMetrics', () => {
  let db: TestDatabase
  let pool: pg.Pool
  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'metrics', withPlatform: false })
    pool = createPool(db.url, { max: 3 })
  })
  afterAll(async () => {
    await pool.end()
    await db.drop()
  })

  it('reports a real pg pool: connections open, idle, and queries waiting', async () => {
    const m = createMetrics('pool-test')
    registerPoolMetrics(m, pool)
    const held = await Promise.all([pool.connect(), pool.connect(), pool.connect()])
    const waiting = pool.query('SELECT 1')
    const label = 'pool="main",service="pool-test"'
    expect((await samples(m.registry, 'db_pool_connections')).get(label)).toBe(3)
    expect((await samples(m.registry, 'db_pool_connections_idle')).get(label)).toBe(0)
    expect((await samples(m.registry, 'db_pool_requests_waiting')).get(label)).toBe(1)
    for (const c of held) c.release()
    await waiting
    expect((await samples(m.registry, 'db_pool_requests_waiting')).get(label)).toBe(0)
    expect((await samples(m.registry, 'db_pool_connections_idle')).get(label)).toBe(3)
  })
})
