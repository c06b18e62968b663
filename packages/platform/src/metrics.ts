import type pg from 'pg'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

/** Reads one value at scrape time (outbox backlog, breaker state, pool usage). */
export type Collect = () => Promise<number> | number

export interface Metrics {
  service: string
  /** This service's registry; never prom-client's global one (embedded mode hosts six services). */
  registry: Registry
  httpRequests: Counter<'method' | 'route' | 'status_code'>
  httpDuration: Histogram<'method' | 'route' | 'status_code'>
  /**
   * Registers a gauge read at scrape time. Calling it again with the same name and other
   * label values adds a series to the same gauge (one per upstream, per pool, ...).
   */
  gauge(name: string, help: string, collect: Collect, labels?: Record<string, string>): Gauge<string>
}

interface Series {
  labels: Record<string, string>
  collect: Collect
}

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** A registry for one service with process metrics and the HTTP RED metrics. */
export function createMetrics(service: string): Metrics {
  const registry = new Registry()
  registry.setDefaultLabels({ service })
  collectDefaultMetrics({ register: registry })

  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route pattern and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  })
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by route pattern and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  })

  const gauges = new Map<string, { gauge: Gauge<string>; labelNames: string[]; series: Series[] }>()

  function gauge(name: string, help: string, collect: Collect, labels: Record<string, string> = {}): Gauge<string> {
    const labelNames = Object.keys(labels).sort()
    const existing = gauges.get(name)
    if (existing) {
      if (existing.labelNames.join(',') !== labelNames.join(',')) {
        throw new Error(`gauge ${name}: label names [${labelNames}] differ from [${existing.labelNames}]`)
      }
      existing.series.push({ labels, collect })
      return existing.gauge
    }
    const series: Series[] = [{ labels, collect }]
    const g: Gauge<string> = new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        g.reset()
        const values = await Promise.allSettled(series.map(async (s) => s.collect()))
        values.forEach((v, i) => {
          // A probe that fails leaves its series out of this scrape rather than failing the scrape.
          if (v.status === 'fulfilled' && Number.isFinite(v.value)) g.set(series[i].labels, v.value)
        })
      },
    })
    gauges.set(name, { gauge: g, labelNames, series })
    return g
  }

  return { service, registry, httpRequests, httpDuration, gauge }
}

/** Pool usage gauges for a pg Pool: connections open, idle, and requests waiting for one. */
export function registerPoolMetrics(metrics: Metrics, pool: pg.Pool, poolName = 'main'): void {
  const labels = { pool: poolName }
  metrics.gauge('db_pool_connections', 'PostgreSQL pool connections open', () => pool.totalCount, labels)
  metrics.gauge('db_pool_connections_idle', 'PostgreSQL pool connections idle', () => pool.idleCount, labels)
  metrics.gauge('db_pool_requests_waiting', 'Queries waiting for a PostgreSQL pool connection', () => pool.waitingCount, labels)
}
