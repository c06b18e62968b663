import { type Pool, withTransaction } from '@shop/platform/db'
import { type PaymentFacts, paymentFacts } from '../data/audit.repository.ts'

export interface OutboxBacklog {
  count: number
  oldestAgeSeconds: number | null
}

export interface PaymentAuditPage {
  service: 'payment'
  asOf: string
  /** The PG adapter in use; 'simulator' means `bank` holds the simulator's own ledger. */
  pgProvider: string
  outbox: OutboxBacklog
  items: PaymentFacts[]
  nextCursor: string | null
}

export interface AuditSources {
  pool: Pool
  pgProvider: string
  backlog(): Promise<OutboxBacklog>
}

/** One page of the payment service's audit facts, read in one read-only snapshot. */
export async function paymentAuditFacts(src: AuditSources, q: { cursor?: string; limit: number }): Promise<PaymentAuditPage> {
  const rows = await withTransaction(
    src.pool,
    async (client) => {
      await client.query('SET TRANSACTION READ ONLY')
      return paymentFacts(client, q.cursor, q.limit + 1, src.pgProvider === 'simulator')
    },
    { isolation: 'repeatable read' },
  )
  const items = rows.slice(0, q.limit)
  return {
    service: 'payment',
    asOf: new Date().toISOString(),
    pgProvider: src.pgProvider,
    outbox: await src.backlog(),
    items,
    nextCursor: rows.length > q.limit ? items[items.length - 1].orderId : null,
  }
}
