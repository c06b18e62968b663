import { type Pool, withTransaction } from '@shop/platform/db'
import { type OrderFacts, orderFacts } from '../data/audit.repository.ts'

export interface OutboxBacklog {
  count: number
  oldestAgeSeconds: number | null
}

export interface OrderAuditPage {
  service: 'order'
  asOf: string
  outbox: OutboxBacklog
  items: OrderFacts[]
  nextCursor: string | null
}

export interface AuditSources {
  pool: Pool
  backlog(): Promise<OutboxBacklog>
}

/** One page of the order service's audit facts, read in one read-only snapshot. */
export async function orderAuditFacts(src: AuditSources, q: { cursor?: string; limit: number }): Promise<OrderAuditPage> {
  const rows = await withTransaction(
    src.pool,
    async (client) => {
      await client.query('SET TRANSACTION READ ONLY')
      return orderFacts(client, q.cursor, q.limit + 1)
    },
    { isolation: 'repeatable read' },
  )
  const items = rows.slice(0, q.limit)
  return {
    service: 'order',
    asOf: new Date().toISOString(),
    outbox: await src.backlog(),
    items,
    nextCursor: rows.length > q.limit ? items[items.length - 1].id : null,
  }
}
