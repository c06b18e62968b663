import type { Pool } from '@shop/platform/db'
import { type ShipmentFacts, shipmentFacts } from '../data/audit.repository.ts'

export interface OutboxBacklog {
  count: number
  oldestAgeSeconds: number | null
}

export interface ShippingAuditPage {
  service: 'shipping'
  asOf: string
  outbox: OutboxBacklog
  items: ShipmentFacts[]
  nextCursor: string | null
}

export interface AuditSources {
  pool: Pool
  backlog(): Promise<OutboxBacklog>
}

/** One page of the shipping service's audit facts (one statement, so one snapshot). */
export async function shippingAuditFacts(src: AuditSources, q: { cursor?: string; limit: number }): Promise<ShippingAuditPage> {
  const rows = await shipmentFacts(src.pool, q.cursor, q.limit + 1)
  const items = rows.slice(0, q.limit)
  return {
    service: 'shipping',
    asOf: new Date().toISOString(),
    outbox: await src.backlog(),
    items,
    nextCursor: rows.length > q.limit ? items[items.length - 1].orderId : null,
  }
}
