import type { Product, ShopClient } from '@shop/client'
import { queryOptions } from '@tanstack/react-query'
import { chartRange } from './shape.ts'

/** Below this many available, a product counts as low on stock (the product service's own default threshold). */
export const LOW_STOCK = 5
const SCAN_PAGES = 5

export const summaryQuery = (client: ShopClient, today: string) =>
  queryOptions({ queryKey: ['admin', 'summary', today], queryFn: () => client.console.orderSummary(chartRange(today).from, today), refetchInterval: 60_000 })

/** Parcels waiting to ship: the first page of the queue is enough to say "n" or "100+". */
export const waitingQuery = (client: ShopClient) =>
  queryOptions({ queryKey: ['admin', 'shipments', 'READY', 'count'], queryFn: () => client.console.shipments({ status: 'READY', limit: 100 }) })

/** Products at or below the low-stock line, from the first pages of the catalogue, fewest first. */
export const lowStockQuery = (client: ShopClient) =>
  queryOptions({
    queryKey: ['admin', 'low-stock'],
    queryFn: async () => {
      const low: Product[] = []
      let cursor: string | undefined
      for (let page = 0; page < SCAN_PAGES; page++) {
        const res = await client.products.list({ limit: 100, sort: 'newest', ...(cursor ? { cursor } : {}) })
        low.push(...res.items.filter((p) => p.stock.available <= LOW_STOCK))
        if (!res.nextCursor) break
        cursor = res.nextCursor
      }
      return low.sort((a, b) => a.stock.available - b.stock.available)
    },
  })

export const auditQuery = (client: ShopClient) => queryOptions({ queryKey: ['admin', 'audit'], queryFn: () => client.admin.audit() })
