import type { EventEnvelope } from '@shop/contracts'
import type { EventBus } from '@shop/platform/ports'
import type { ServiceName } from '@shop/platform/runtime'
import {
  type Backlog,
  type Consumer,
  CONSUMERS,
  type InventoryFacts,
  type OrderFacts,
  type PaymentFacts,
  type ShipmentFacts,
  type ShopFacts,
} from './audit-types.ts'

/**
 * Reads the auditor's facts: every page of each service's GET /internal/audit (with the
 * admin's own token: the services check it themselves) and the bus's dead-letter queues.
 * The order of the reads follows causality, so that no read can show an effect without
 * the read of its cause showing the cause: stock first (a restock follows the order's
 * cancellation), then orders, then payments and shipments (an order is PAID or SHIPPED
 * only after its capture or dispatch committed).
 */

export interface CollectOptions {
  urls: Record<ServiceName, string>
  /** The admin's bearer token, forwarded to each service. */
  token: string
  bus?: EventBus
  pageSize?: number
  /** Bound on each page request (default 15 s). */
  timeoutMs?: number
}

interface Page<T> {
  outbox: Backlog
  items: T[]
  nextCursor: string | null
  pgProvider?: string
}

class SourceUnavailable extends Error {}

async function readAll<T>(service: ServiceName, o: CollectOptions): Promise<{ items: T[]; outbox: Backlog; pgProvider?: string }> {
  const items: T[] = []
  let first: Page<T> | undefined
  let cursor: string | null = null
  do {
    const qs = new URLSearchParams({ limit: String(o.pageSize ?? 500), ...(cursor ? { cursor } : {}) })
    let res: Response
    try {
      res = await fetch(`${o.urls[service]}/internal/audit?${qs}`, {
        headers: { authorization: `Bearer ${o.token}` },
        signal: AbortSignal.timeout(o.timeoutMs ?? 15_000),
      })
    } catch {
      // The cause names an internal address: the report says only that it did not answer.
      throw new SourceUnavailable('did not answer')
    }
    if (res.status !== 200) {
      await res.body?.cancel()
      throw new SourceUnavailable(`answered ${res.status}`)
    }
    const page = (await res.json()) as Page<T>
    first ??= page
    items.push(...page.items)
    cursor = page.nextCursor
  } while (cursor)
  return { items, outbox: first.outbox, pgProvider: first.pgProvider }
}

/** Seconds since the oldest dead letter's event occurred, from the adapter or the memory bus's own list. */
async function oldestAge(bus: EventBus, service: Consumer): Promise<number | null> {
  if (bus.dlqOldestAgeSeconds) return bus.dlqOldestAgeSeconds(service)
  // The in-process bus keeps its dead letters readable (MemoryBus.deadLetters).
  const list = (bus as { deadLetters?: (s: string) => EventEnvelope[] }).deadLetters?.(service)
  const head = list?.[0]
  return head ? Math.max(0, (Date.now() - Date.parse(head.occurredAt)) / 1000) : null
}

/** Everything the auditor needs; a source that fails is named in `unavailable` and its list is null. */
export async function collectFacts(o: CollectOptions): Promise<ShopFacts> {
  const facts: ShopFacts = { products: null, orders: null, payments: null, shipments: null, pgProvider: null, outbox: {}, dlq: {}, unavailable: [] }
  const attempt = async <T>(service: Consumer, take: (r: Awaited<ReturnType<typeof readAll<T>>>) => void) => {
    try {
      const r = await readAll<T>(service, o)
      facts.outbox[service] = r.outbox
      take(r)
    } catch (err) {
      const reason = err instanceof SourceUnavailable ? err.message : 'sent facts the auditor could not read'
      facts.unavailable.push({ source: service, reason: `the ${service} service ${reason}` })
    }
  }
  await attempt<InventoryFacts>('product', (r) => (facts.products = r.items))
  await attempt<OrderFacts>('order', (r) => (facts.orders = r.items))
  await Promise.all([
    attempt<PaymentFacts>('payment', (r) => {
      facts.payments = r.items
      facts.pgProvider = r.pgProvider ?? null
    }),
    attempt<ShipmentFacts>('shipping', (r) => (facts.shipments = r.items)),
    readDeadLetters(o.bus, facts),
  ])
  return facts
}

async function readDeadLetters(bus: EventBus | undefined, facts: ShopFacts): Promise<void> {
  if (!bus) {
    facts.unavailable.push({ source: 'broker', reason: 'the gateway has no event bus to read dead letters from' })
    return
  }
  for (const service of CONSUMERS) {
    try {
      const { count } = await bus.dlqDepth(service)
      facts.dlq[service] = { count, oldestAgeSeconds: count > 0 ? await oldestAge(bus, service) : null }
    } catch {
      facts.unavailable.push({ source: 'broker', reason: `the dead letters of ${service} could not be read` })
    }
  }
}
