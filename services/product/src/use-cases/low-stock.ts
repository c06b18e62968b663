import type { PoolClient } from '@shop/platform/db'
import { createEvent } from '@shop/platform/events'
import { enqueueEvent } from '@shop/platform/outbox'
import { fellBelow } from '../domain/inventory-rules.ts'

/** Enqueues inventory.low (in the caller's transaction) when this change took available stock below the threshold. */
export async function announceLowStock(
  client: PoolClient,
  productId: string,
  before: number,
  after: number,
  threshold: number,
): Promise<void> {
  if (!fellBelow(before, after, threshold)) return
  await enqueueEvent(client, createEvent('product', 'inventory.low', { productId, available: after }))
}

/** Enqueues product.updated naming the fields a write touched. */
export async function announceProductUpdate(client: PoolClient, productId: string, fields: string[]): Promise<void> {
  await enqueueEvent(client, createEvent('product', 'product.updated', { productId, fields }))
}
