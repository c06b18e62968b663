import { expect } from 'vitest'
import { type AuditReport, formatReport, runAudit } from '../../services/gateway/src/admin/audit-client.ts'
import { backlog, checkStream } from './checks.ts'
import { type FaultShop, type ProductRef, sleep } from './harness.ts'
import type { Stream, StreamResult } from './stream.ts'

/**
 * After a fault: let the shop settle (outboxes published, queues drained, every order
 * of the stream in the state its story ends in), then hold it to what the stream
 * recorded and to the consistency audit.
 */

export interface Settled {
  violations: string[]
  backlog: Awaited<ReturnType<typeof backlog>>
  settledInMs: number
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0)

/** Polls until the shop is quiet and consistent with the stream, or `timeoutMs` passes; returns the last look. */
export async function settle(fs: FaultShop, stream: Stream, result: StreamResult, products: ProductRef[], timeoutMs = 90_000): Promise<Settled> {
  const started = Date.now()
  for (;;) {
    let last: Settled
    try {
      await stream.adoptStrays()
      const now = await backlog(fs)
      const violations = await checkStream(fs, result, products)
      last = { violations, backlog: now, settledInMs: Date.now() - started }
      if (violations.length === 0 && sum(now.outbox) === 0 && sum(now.queued) === 0) return last
    } catch (err) {
      last = { violations: [`could not look: ${(err as Error).message}`], backlog: { outbox: {}, queued: {}, dlq: {} }, settledInMs: -1 }
    }
    if (Date.now() - started > timeoutMs) return last
    await sleep(500)
  }
}

/**
 * The consistency audit (GET /v1/admin/audit) with no grace period, as the shop is quiet;
 * asked again for a few seconds while it fails, in case the last event was still being applied.
 */
export async function auditQuietShop(fs: FaultShop, timeoutMs = 15_000): Promise<AuditReport> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const report = await runAudit(fs.shop.gatewayUrl, fs.adminToken, { graceSeconds: 0 })
    if (report.ok || Date.now() > deadline) return report
    await sleep(1000)
  }
}

/** Settles, audits, prints what happened, and fails the test on any anomaly, violation, dead letter or failed audit check. */
export async function expectConsistent(fs: FaultShop, stream: Stream, label: string): Promise<void> {
  const result = await stream.done
  const settled = await settle(fs, stream, result, stream.products)
  const report = await auditQuietShop(fs)
  const byStatus: Record<string, number> = {}
  for (const o of result.orders) byStatus[o.expected] = (byStatus[o.expected] ?? 0) + 1
  console.info(
    `[fault] ${label}: ${result.orders.length} orders ${JSON.stringify(byStatus)}, ${result.refused} refused, ` +
      `plans ${JSON.stringify(result.plans)}, settled in ${settled.settledInMs} ms; ` +
      `retried answers ${JSON.stringify(Object.fromEntries(fs.transient))}; ` +
      `audit ${report.ok ? 'ok' : 'FAILED'} (${report.checks.map((c) => `${c.name} ${c.ok ? 'ok' : 'FAIL'}`).join(', ')})`,
  )
  // A 500 is not how an outage should answer (503 with Retry-After): show what the service logged.
  if ([...fs.transient.keys()].some((k) => / 500$/.test(k))) {
    const unhandled = fs.shop.logs().split('\n').filter((l) => l.includes('unhandled error'))
    console.warn(`[fault] ${label}: 500 answers; the services logged:\n${unhandled.slice(-3).map((l) => l.slice(0, 600)).join('\n')}`)
  }
  fs.transient.clear()
  expect(result.orders.length, 'the stream placed orders').toBeGreaterThan(0)
  expect(result.anomalies, 'answers no fault excuses').toEqual([])
  expect(settled.violations, `the shop disagrees with the stream (backlog ${JSON.stringify(settled.backlog)})`).toEqual([])
  expect(settled.backlog.dlq, 'dead letters').toEqual({ product: 0, order: 0, payment: 0, shipping: 0 })
  expect(report.ok, `the consistency audit failed:\n${formatReport(report)}`).toBe(true)
}
