import { randomBytes, randomUUID } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, until } from '../e2e/client.ts'
import { ADDRESS, createProduct } from '../e2e/fixtures.ts'
import { freePort, type Shop, startDistributedShop } from '../e2e/shop.ts'
import { type Daemon, ROOT, startDaemon, tempDir, waitForPort } from './support.ts'
import { metricNames, type OtlpSpan, spansOf } from './telemetry-kit.ts'

// One distributed shop exporting traces to a small OTLP/HTTP (JSON) receiver here and
// scraped by Debian's Prometheus with deploy/prometheus/prometheus.yml and the shop's
// alert rules. A checkout under one client trace id must come back as one trace with
// every span under the right parent; every series the rules and dashboards use must be
// exposed, every dashboard query must evaluate.

/** Series that only exist where the shop runs on Kubernetes or in Prometheus itself. */
const EXTERNAL: Record<string, string> = {
  kube_cronjob_status_last_successful_time: 'kube-state-metrics, on Kubernetes',
}

let shop: Shop
let receiver: Server
const spans: OtlpSpan[] = []
let prometheus: Daemon
let promUrl: string
const promDir = tempDir('ops-prometheus')

async function startReceiver(): Promise<number> {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (req.url === '/v1/traces' && req.headers['content-type']?.startsWith('application/json')) {
        spans.push(...spansOf(JSON.parse(Buffer.concat(chunks).toString())))
        res.setHeader('content-type', 'application/json')
        res.end('{}')
      } else {
        res.statusCode = 415
        res.end()
      }
    })
  })
  const port = await freePort()
  await new Promise<void>((r) => receiver.listen(port, '127.0.0.1', r))
  return port
}

async function startPrometheus(): Promise<void> {
  const config = parse(readFileSync(join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8'))
  config.global = { scrape_interval: '1s', evaluation_interval: '1s' }
  config.rule_files = [join(ROOT, 'deploy/prometheus/rules/*.rules.yml')]
  // The shop's own job, pointed at this shop's ports; no broker plugin runs here.
  config.scrape_configs = config.scrape_configs.filter((j: { job_name: string }) => j.job_name === 'shop')
  for (const t of config.scrape_configs[0].static_configs) t.targets = [new URL(shop.urls[t.labels.service as keyof Shop['urls']]).host]
  writeFileSync(join(promDir.path, 'prometheus.yml'), stringify(config))
  const port = await freePort()
  promUrl = `http://127.0.0.1:${port}`
  prometheus = startDaemon('prometheus', [
    `--config.file=${join(promDir.path, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(promDir.path, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ])
  await waitForPort(port, '127.0.0.1', prometheus.proc)
}

async function query(expr: string): Promise<{ status: string; error?: string; data?: { result: unknown[] } }> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`)
  return (await res.json()) as { status: string; error?: string; data?: { result: unknown[] } }
}
const exposed = async (name: string) => ((await query(`count({__name__="${name}"})`)).data?.result.length ?? 0) > 0

const traceId = randomBytes(16).toString('hex')
const clientSpanId = randomBytes(8).toString('hex')
let orderId: string

beforeAll(async () => {
  const otlp = await startReceiver()
  shop = await startDistributedShop({
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlp}`,
    // Export each batch after 200 ms instead of 5 s.
    OTEL_BSP_SCHEDULE_DELAY: '200',
    LOG_FORMAT: 'ecs',
    LOG_LEVEL: 'info',
    // On a loaded machine a call must not time out into another path (the reconciler,
    // a retry) that would start spans under other parents than the checkout's own.
    PG_TIMEOUT_MS: '30000',
    ORDER_UPSTREAM_TIMEOUT_MS: '30000',
    UPSTREAM_TIMEOUT_MS: '30000',
  })
  await startPrometheus()

  // One checkout under the client's own trace: order, then payment, both carrying it.
  const client = api(shop.gatewayUrl)
  const admin = await client.login(shop.admin.email, shop.admin.password)
  const productId = await createProduct(client, admin, 15_000, 5)
  const buyer = await client.register()
  // The shopper looks at the product first (a public answer the gateway's edge cache keeps).
  expect((await client.get(`/products/${productId}`)).status).toBe(200)
  const headers = { traceparent: `00-${traceId}-${clientSpanId}-01` }
  const order = await client.call('POST', '/orders', {
    token: buyer.token, idempotencyKey: randomUUID(), headers, body: { items: [{ productId, quantity: 1 }], shippingAddress: ADDRESS },
  })
  expect(order.status, JSON.stringify(order.body)).toBe(201)
  orderId = order.body.id
  const paid = await client.call('POST', '/payments', {
    token: buyer.token, idempotencyKey: randomUUID(), headers, body: { orderId, amount: order.body.total, method: 'card', paymentToken: 'tok_success' },
  })
  expect(paid.body.status, JSON.stringify(paid.body)).toBe('COMPLETED')
  // A declined card on another order, outside the trace: the failure-by-code series.
  const other = await client.call('POST', '/orders', {
    token: buyer.token, idempotencyKey: randomUUID(), body: { items: [{ productId, quantity: 1 }], shippingAddress: ADDRESS },
  })
  await client.call('POST', '/payments', {
    token: buyer.token, idempotencyKey: randomUUID(), body: { orderId: other.body.id, amount: other.body.total, method: 'card', paymentToken: 'tok_declined' },
  })
}, 600_000)

afterAll(async () => {
  await prometheus?.stop()
  promDir.remove()
  await shop?.stop()
  await new Promise((r) => receiver?.close(r))
})

describe('traces', () => {
  it('show one checkout as one trace: gateway → order → product, then shipping via RabbitMQ, payment asking order, → order, product and shipping, each under the right parent', async () => {
    const mine = () => spans.filter((s) => s.traceId === traceId)
    const find = (service: string, kind: string, name: RegExp) => mine().filter((s) => s.service === service && s.kind === kind && name.test(s.name))
    const one = (service: string, kind: string, name: RegExp) => {
      const found = find(service, kind, name)
      if (found.length !== 1) throw new Error(`${found.length} ${kind} spans of ${service} named ${name}; the trace has ${mine().map((s) => `${s.service}:${s.kind}:${s.name}`).join(', ')}`)
      return found[0]
    }
    // Each process exports its own batches: wait until every expected span has arrived.
    const expected: [string, string, RegExp][] = [
      ['gateway', 'SERVER', /^POST \/v1\/orders$/], ['gateway', 'SERVER', /^POST \/v1\/payments$/], ['order', 'SERVER', /^POST \/orders$/],
      ['product', 'SERVER', /^POST \/internal\/reservations$/], ['shipping', 'CONSUMER', /^order\.created process$/],
      ['payment', 'SERVER', /^POST \/payments$/], ['order', 'SERVER', /^GET \/orders\/:id$/],
      ['shipping', 'CONSUMER', /^payment\.completed process$/], ['order', 'CONSUMER', /^payment\.completed process$/],
      ['product', 'CONSUMER', /^payment\.completed process$/],
    ]
    await until('every span of the checkout exported', async () => expected.every(([s, k, n]) => find(s, k, n).length > 0), 30_000)
    const gwOrder = one('gateway', 'SERVER', /^POST \/v1\/orders$/)
    const gwPay = one('gateway', 'SERVER', /^POST \/v1\/payments$/)
    const placed = one('order', 'SERVER', /^POST \/orders$/)
    const reserved = one('product', 'SERVER', /^POST \/internal\/reservations$/)
    // The fee is priced from order's copy of shipping's rules; shipping learns of the order from order.created.
    const snapshotted = one('shipping', 'CONSUMER', /^order\.created process$/)
    const charged = one('payment', 'SERVER', /^POST \/payments$/)
    // Payment makes the order's payment from the order service's answer, asked under the charge's span.
    const orderRead = one('order', 'SERVER', /^GET \/orders\/:id$/)
    const shipped = one('shipping', 'CONSUMER', /^payment\.completed process$/)
    const orderPaid = one('order', 'CONSUMER', /^payment\.completed process$/)
    const stockCommitted = one('product', 'CONSUMER', /^payment\.completed process$/)

    expect(gwOrder.parentSpanId).toBe(clientSpanId)
    expect(gwPay.parentSpanId).toBe(clientSpanId)
    expect(placed.parentSpanId).toBe(gwOrder.spanId)
    expect(reserved.parentSpanId).toBe(placed.spanId)
    expect(snapshotted.parentSpanId).toBe(placed.spanId)
    expect(charged.parentSpanId).toBe(gwPay.spanId)
    expect(orderRead.parentSpanId).toBe(charged.spanId)
    expect(find('payment', 'CONSUMER', /^order\.created process$/)).toEqual([])
    for (const consumer of [shipped, orderPaid, stockCommitted]) expect(consumer.parentSpanId).toBe(charged.spanId)
  })

  it('puts the trace id on the ECS log lines of the requests in it', () => {
    const lines = shop.logs().split('\n').map((l) => l.replace(/^\[\w+\] /, '')).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
    const inTrace = lines.filter((l) => (l.trace as { id?: string } | undefined)?.id === traceId)
    expect(new Set(inTrace.map((l) => (l.service as { name: string }).name))).toEqual(new Set(['gateway', 'order', 'product', 'shipping', 'payment']))
    for (const l of inTrace) expect(l).toMatchObject({ ecs: { version: expect.any(String) }, 'log.level': expect.any(String), message: expect.any(String) })
  })
})

describe('Prometheus with the shop\'s rules and dashboards', () => {
  beforeAll(async () => {
    // Every target scraped, and the checkout's last event counted.
    await until('every target up', async () => {
      const targets = (await (await fetch(`${promUrl}/api/v1/targets`)).json()) as { data: { activeTargets: { health: string }[] } }
      return targets.data.activeTargets.length === 6 && targets.data.activeTargets.every((t) => t.health === 'up')
    }, 60_000)
    await until('payment.completed counted', () => exposed('events_amount_krw_total'), 60_000)
  })

  it('loads every alert rule and evaluates it without error', async () => {
    const groups = await until('rules evaluated', async () => {
      const body = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] } }
      const rules = body.data.groups.flatMap((g) => g.rules)
      return rules.length > 0 && rules.every((r) => r.health !== 'unknown') && rules
    }, 60_000)
    expect(groups.map((r) => `${r.name}: ${r.health}${r.lastError ?? ''}`)).toEqual(groups.map((r) => `${r.name}: ok`))
    expect(groups).toHaveLength(10)
  })

  it('finds every series the alert rules use exposed by the shop', async () => {
    const rules = parse(readFileSync(join(ROOT, 'deploy/prometheus/rules/shop.rules.yml'), 'utf8')) as { groups: { rules: { expr: string }[] }[] }
    const names = [...new Set(rules.groups.flatMap((g) => g.rules.flatMap((r) => metricNames(r.expr))))].filter((n) => !(n in EXTERNAL))
    expect(names.length).toBeGreaterThan(8)
    const missing = []
    for (const n of names) if (!(await exposed(n))) missing.push(n)
    expect(missing).toEqual([])
  })

  it('evaluates every panel query of every dashboard without error, on metrics the shop exposes', async () => {
    const dir = join(ROOT, 'deploy/grafana/dashboards')
    const problems: string[] = []
    let checked = 0
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const dashboard = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] }
      for (const panel of dashboard.panels) {
        for (const target of panel.targets) {
          // Grafana's own variables, as Grafana would fill them in.
          const expr = target.expr.replaceAll('$__rate_interval', '1m').replaceAll('$__range', '1h')
          const answer = await query(expr)
          if (answer.status !== 'success') problems.push(`${file} "${panel.title}": ${answer.error}`)
          for (const name of metricNames(expr)) if (!(await exposed(name))) problems.push(`${file} "${panel.title}": no service exposes ${name}`)
          checked++
        }
      }
    }
    expect(problems).toEqual([])
    expect(checked).toBeGreaterThan(20)
  })

  it('counts the checkout in the business series: orders, the captured amount, the declined card by its code', async () => {
    const value = async (expr: string) => Number(((await query(expr)).data?.result[0] as { value: [number, string] } | undefined)?.value[1] ?? NaN)
    expect(await value('sum(events_published_total{type="order.created"})')).toBe(2)
    expect(await value('sum(events_published_total{type="payment.failed",code="card_declined"})')).toBe(1)
    expect(await value('sum(events_amount_krw_total{type="payment.completed"})')).toBeGreaterThanOrEqual(15_000)
  })

  it('fires no alert on a healthy shop, and has none pending but for latency', async () => {
    const body = (await (await fetch(`${promUrl}/api/v1/alerts`)).json()) as { data: { alerts: { labels: { alertname: string }; state: string }[] } }
    // The p99 of a few requests on a shared two-core machine may pass a second (argon2
    // logins); it cannot fire here, its `for` is ten minutes.
    const unexpected = body.data.alerts.filter((a) => a.state === 'firing' || a.labels.alertname !== 'ShopHighLatencyP99')
    expect(unexpected.map((a) => `${a.labels.alertname} ${a.state}`)).toEqual([])
  })
})
