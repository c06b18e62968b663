import { type Pool, withTransaction } from '@shop/platform/db'
import { type InventoryFacts, inventoryFacts } from '../data/audit.repository.ts'

export interface OutboxBacklog {
  count: number
  oldestAgeSeconds: number | null
}

export interface ProductAuditPage {
  service: 'product'
  asOf: string
  outbox: OutboxBacklog
  items: InventoryFacts[]
  nextCursor: string | null
}

export interface AuditSources {
  pool: Pool
  backlog(): Promise<OutboxBacklog>
}

/**
 * One page of the product service's audit facts: every product's stock beside its
 * books, read in one read-only snapshot so a page never shows half a stock change.
 */
export async function productAuditFacts(src: AuditSources, q: { cursor?: string; limit: number }): Promise<ProductAuditPage> {
  const rows = await withTransaction(
    src.pool,
    async (client) => {
      await client.query('SET TRANSACTION READ ONLY')
      return inventoryFacts(client, q.cursor, q.limit + 1)
    },
    { isolation: 'repeatable read' },
  )
  const items = rows.slice(0, q.limit)
  const more = rows.length > q.limit
  return {
    service: 'product',
    asOf: new Date().toISOString(),
    outbox: await src.backlog(),
    items,
    nextCursor: more ? items[items.length - 1].productId : null,
  }
}
