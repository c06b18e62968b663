import { Type } from '@sinclair/typebox'
import { afterEach, describe, expect, it } from 'vitest'
import { createPool } from '../src/db.ts'
import { createLogger } from '../src/logger.ts'
import { createMetrics } from '../src/metrics.ts'
import { type App, createServer } from '../src/server.ts'
import { serverAvailable, testPgUrl, uniqueName } from '../src/testing.ts'

const logger = createLogger({ service: 'ops-test', level: 'silent' })
const apps: App[] = []

function build(opts: Partial<Parameters<typeof createServer>[0]> = {}): App {
  const app = createServer({ service: 'ops-test', version: '9.9.9', logger, ...opts })
  apps.push(app)
  return app
}

/** The value of the one sample of `name` carrying all these labels (in any order). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const hits = text.split('\n').filter((line) => {
    const m = /^(\w+)\{(.*)\} (\S+)$/.exec(line)
    return m && m[1] === name && Object.entries(labels).every(([k, v]) => m[2].split(',').includes(`${k}="${v}"`))
  })
  expect(hits.length).toBeLessThanOrEqual(1)
  return hits[0] ? Number(hits[0].split(' ').pop()) : undefined
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()))
})

describe('/health', () => {
  it('answers 200 with the service and version while the process lives', async () => {
    const res = await build().inject({ url: '/health' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok', service: 'ops-test', version: '9.9.9' })
  })
})

describe('/health/ready', () => {
  it('answers 200 with every check ok when all pass', async () => {
    const app = build({ readiness: { postgres: async () => {}, redis: async () => {} } })
    const res = await app.inject({ url: '/health/ready' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok' } })
  })

  it('answers 503 naming the check that throws, with its message', async () => {
    const app = build({
      readiness: {
        postgres: async () => {},
        rabbitmq: async () => {
          throw Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5672'), { code: 'ECONNREFUSED' })
        },
        redis: async () => {
          throw new Error('WRONGPASS at redis.internal:6379')
        },
      },
    })
    const res = await app.inject({ url: '/health/ready' })
    expect(res.statusCode).toBe(503)
    // The endpoint is public: the kind of failure shows, never the driver's message with hosts.
    expect(res.json()).toEqual({ status: 'unavailable', checks: { postgres: 'ok', rabbitmq: 'unreachable', redis: 'failed' } })
    expect(res.body).not.toMatch(/10\.1\.2\.3|redis\.internal|5672|6379/)
  })

  it('answers 503 naming the check that hangs past the timeout, without waiting for it', async () => {
    const app = build({
      readinessTimeoutMs: 200,
      readiness: { postgres: async () => {}, redis: () => new Promise<void>(() => {}) },
    })
    const started = Date.now()
    const res = await app.inject({ url: '/health/ready' })
    expect(Date.now() - started).toBeLessThan(1500)
    expect(res.statusCode).toBe(503)
    const body = res.json() as { checks: Record<string, string> }
    expect(body.checks.postgres).toBe('ok')
    expect(body.checks.redis).toMatch(/timed out after 200 ms/)
  })
})

describe('/metrics', () => {
  it('has the RED metrics labelled by route pattern, not raw URL, and one label for unknown routes', async () => {
    const app = build()
    app.get('/things/:id', { schema: { params: Type.Object({ id: Type.String() }) } }, async (req) => ({ id: req.params.id }))
    await app.inject({ url: '/things/abc-123' })
    await app.inject({ url: '/things/def-456' })
    await app.inject({ url: '/no/such/route/1' })
    await app.inject({ url: '/no/such/route/2' })
    const res = await app.inject({ url: '/metrics' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain/)
    const text = res.body
    const route = { method: 'GET', route: '/things/:id', status_code: '200', service: 'ops-test' }
    expect(sample(text, 'http_requests_total', route)).toBe(2)
    expect(sample(text, 'http_request_duration_seconds_count', route)).toBe(2)
    expect(sample(text, 'http_request_duration_seconds_bucket', { ...route, le: '+Inf' })).toBe(2)
    expect(sample(text, 'http_requests_total', { route: 'unmatched', status_code: '404' })).toBe(2)
    expect(text).not.toContain('abc-123')
    expect(text).not.toContain('/no/such')
    expect(text).toContain('process_cpu_user_seconds_total')
  })

  it('serves the Metrics instance it was given, decorated as app.metrics for services to add gauges', async () => {
    const metrics = createMetrics('ops-test')
    const app = build({ metrics })
    expect(app.metrics).toBe(metrics)
    app.metrics.gauge('outbox_backlog', 'Outbox rows not yet published', () => 17)
    const res = await app.inject({ url: '/metrics' })
    expect(res.body).toMatch(/outbox_backlog\{service="ops-test"\} 17/)
  })
})

describe('plugins that depend on @fastify/swagger', () => {
  it('can be registered on a server (swagger counts as registered)', async () => {
    const app = build()
    const dependent = Object.assign(async () => {}, {
      [Symbol.for('skip-override')]: true,
      [Symbol.for('plugin-meta')]: { name: 'docs-viewer', dependencies: ['@fastify/swagger'] },
    })
    app.register(dependent)
    await expect(app.ready()).resolves.toBeDefined()
  })
})

const pgOk = await serverAvailable('postgres')

describe('when a backing server is unreachable', () => {
  it.runIf(pgOk)('answers 503 when PostgreSQL refuses one more connection (too many connections)', async () => {
    // A role allowed no connections gets SQLSTATE 53300 from the real server, as a pool
    // past max_connections would.
    const role = uniqueName('outage_full')
    const admin = createPool(testPgUrl(), { max: 1 })
    await admin.query(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 0`)
    const url = new URL(testPgUrl())
    url.username = role
    url.password = ''
    const pool = createPool(url.toString())
    const app = createServer({ service: 'outage', logger: createLogger({ service: 'outage', level: 'silent' }) })
    try {
      app.get('/needs-db', async () => (await pool.query('SELECT 1')).rows)
      const res = await app.inject({ method: 'GET', url: '/needs-db' })
      expect(res.statusCode).toBe(503)
      expect(res.json().code).toBe('upstream_unavailable')
    } finally {
      await app.close()
      await pool.end()
      await admin.query(`DROP ROLE ${role}`)
      await admin.end()
    }
  })

  it('answers 503 upstream_unavailable with Retry-After instead of 500, naming no host', async () => {
    // Nothing listens on port 9 (discard) on loopback: connect is refused.
    const pool = createPool('postgres://postgres@127.0.0.1:9/none')
    const app = createServer({ service: 'outage', logger: createLogger({ service: 'outage', level: 'silent' }) })
    app.get('/needs-db', async () => (await pool.query('SELECT 1')).rows)
    const res = await app.inject({ method: 'GET', url: '/needs-db' })
    expect(res.statusCode).toBe(503)
    expect(res.json().code).toBe('upstream_unavailable')
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
    expect(res.body).not.toMatch(/127\.0\.0\.1|:9\b|ECONNREFUSED/)
    await app.close()
    await pool.end()
  })
})
