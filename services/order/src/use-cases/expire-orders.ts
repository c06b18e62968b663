import { withTransaction } from '@shop/platform/db'
import type { OrderContext } from '../context.ts'
import { lockExpiredOrders } from '../data/order.repository.ts'
import { isIgnored } from '../domain/order-state.ts'
import { applyTransition } from './apply-transition.ts'

/**
 * One sweep: cancels up to a batch of unpaid orders past their expiry (reason
 * payment_timeout, with order.cancelled). Rows are taken FOR UPDATE SKIP LOCKED, so any
 * number of replicas may sweep at once and each order is cancelled exactly once.
 * Returns how many it cancelled.
 */
export async function expireOrders(ctx: OrderContext, batchSize = ctx.settings.sweepBatchSize): Promise<number> {
  const cancelled = await withTransaction(ctx.pool, async (client) => {
    let n = 0
    for (const order of await lockExpiredOrders(client, batchSize)) {
      const r = await applyTransition(client, order, { type: 'payment_timeout' })
      if (!isIgnored(r)) n++
    }
    return n
  })
  if (cancelled > 0) {
    ctx.eventsCommitted()
    ctx.logger.info({ cancelled }, 'cancelled unpaid orders past their payment window')
  }
  return cancelled
}
