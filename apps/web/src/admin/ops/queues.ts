import type { AuditReport } from '@shop/client'

export const OUTBOX_CHECK = 'outbox backlog'
export const DLQ_CHECK = 'dead letters'

export type ServiceQueues = { service: string; outbox: number | null; outboxAge: number | null; dead: number | null; deadAge: number | null }

const num = (v: unknown) => (typeof v === 'number' ? v : null)

/** Per service, its outbox backlog and dead letters with their ages, read from the audit's figures (`<service> count`, `<service> oldest s`). */
export function queuesOf(report: AuditReport): ServiceQueues[] {
  const outbox = report.checks.find((c) => c.name === OUTBOX_CHECK)?.figures ?? {}
  const dlq = report.checks.find((c) => c.name === DLQ_CHECK)?.figures ?? {}
  const services = new Set<string>()
  for (const k of [...Object.keys(outbox), ...Object.keys(dlq)]) {
    const m = k.match(/^(.+) count$/)
    if (m) services.add(m[1])
  }
  return [...services].map((service) => ({
    service,
    outbox: num(outbox[`${service} count`]),
    outboxAge: num(outbox[`${service} oldest s`]),
    dead: num(dlq[`${service} count`]),
    deadAge: num(dlq[`${service} oldest s`]),
  }))
}
