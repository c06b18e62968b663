import { finish, notChecked } from './audit-check.ts'
import { checkOrders, checkPayments, checkShipments, ORDERS, PAYMENTS, SHIPMENTS } from './audit-flow.ts'
import { checkSoldUnits, checkStock, SOLD, STOCK } from './audit-stock.ts'
import { type AuditCheck, type AuditOptions, type AuditReport, type Backlog, CONSUMERS, type Figures, type ShopFacts, type Violation } from './audit-types.ts'

/**
 * The consistency auditor's rules: a pure function from what every service reports
 * about itself to a verdict per cross-service invariant, each with its figures and the
 * violations it found. Reading the facts is someone else's job (collect-facts.ts).
 */

const SOURCES = {
  name: 'facts collected',
  description: 'every service answered the auditor',
}
const OUTBOX = {
  name: 'outbox backlog',
  description: "events waiting in each service's outbox: none may wait longer than the grace period",
}
const DLQ = {
  name: 'dead letters',
  description: "events dead-lettered for each consuming service: there must be none (replay them after a fix)",
}

/** Runs a check when every list it needs was read; otherwise reports it as not checked. */
function needs(
  spec: { name: string; description: string },
  facts: ShopFacts,
  lists: (keyof ShopFacts)[],
  run: () => AuditCheck,
): AuditCheck {
  const missing = lists.filter((k) => facts[k] === null).map(String)
  return missing.length ? notChecked(spec.name, spec.description, missing) : run()
}

/** Backlog figures per service, and a violation for each one the rule refuses. */
function queues(spec: { name: string; description: string }, backlogs: ShopFacts['outbox'], bad: (b: Backlog) => string | null): AuditCheck {
  const figures: Figures = {}
  const violations: Violation[] = []
  for (const service of CONSUMERS) {
    const b = backlogs[service]
    figures[`${service} count`] = b?.count ?? null
    figures[`${service} oldest s`] = b?.oldestAgeSeconds === null || b?.oldestAgeSeconds === undefined ? null : Math.round(b.oldestAgeSeconds * 10) / 10
    if (!b) {
      violations.push({ subject: service, message: 'not checked: could not be read' })
      continue
    }
    const why = bad(b)
    if (why) violations.push({ subject: service, message: why })
  }
  return finish(spec.name, spec.description, figures, violations)
}

/** Audits the shop's facts: ok only when every invariant holds for every product, order, payment and shipment. */
export function auditShop(facts: ShopFacts, o: AuditOptions): AuditReport {
  const { products, orders, payments, shipments } = facts
  const sources = finish(
    SOURCES.name,
    SOURCES.description,
    {
      products: products?.length ?? null,
      orders: orders?.length ?? null,
      payments: payments?.length ?? null,
      shipments: shipments?.length ?? null,
    },
    facts.unavailable.map((u) => ({ subject: u.source, message: u.reason })),
  )
  const checks: AuditCheck[] = [
    sources,
    needs(STOCK, facts, ['products'], () => checkStock(products ?? [])),
    needs(SOLD, facts, ['products', 'orders', 'payments'], () => checkSoldUnits(products ?? [], orders ?? [], payments ?? [], o)),
    needs(ORDERS, facts, ['orders', 'payments', 'shipments'], () => checkOrders(orders ?? [], payments ?? [], shipments ?? [], o)),
    needs(PAYMENTS, facts, ['orders', 'payments'], () => checkPayments(orders ?? [], payments ?? [], facts.pgProvider, o)),
    needs(SHIPMENTS, facts, ['orders', 'shipments'], () => checkShipments(orders ?? [], shipments ?? [], o)),
    queues(OUTBOX, facts.outbox, (b) =>
      b.count > 0 && (b.oldestAgeSeconds ?? 0) > o.graceSeconds
        ? `${b.count} event(s) unpublished, the oldest for ${Math.round(b.oldestAgeSeconds ?? 0)} s`
        : null,
    ),
    queues(DLQ, facts.dlq, (b) =>
      b.count > 0
        ? `${b.count} dead letter(s)${b.oldestAgeSeconds === null ? '' : `, the oldest event ${Math.round(b.oldestAgeSeconds)} s old`}`
        : null,
    ),
  ]
  return { ok: checks.every((c) => c.ok), at: o.now.toISOString(), graceSeconds: o.graceSeconds, checks }
}
