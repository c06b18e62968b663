import type { OrderListQuery, ShopClient } from '@shop/client'
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query'

export const orderQuery = (client: ShopClient, id: string) => queryOptions({ queryKey: ['order', id], queryFn: () => client.orders.get(id) })

export const myOrdersQuery = (client: ShopClient, query: OrderListQuery = {}) =>
  infiniteQueryOptions({
    queryKey: ['orders', query],
    queryFn: ({ pageParam }) => client.orders.list({ ...query, limit: 10, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  })

export const trackingQuery = (client: ShopClient, n: string) => queryOptions({ queryKey: ['tracking', n], queryFn: () => client.shipping.track(n) })

export const CANCELLABLE = new Set(['PENDING_PAYMENT', 'PAID'])
export const TERMINAL = new Set(['DELIVERED', 'CANCELLED'])
