import type { ProductListQuery, ShopClient } from '@shop/client'
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query'

export const categoriesQuery = (client: ShopClient) =>
  queryOptions({ queryKey: ['categories'], queryFn: () => client.categories.list(), staleTime: 5 * 60_000 })

export const productQuery = (client: ShopClient, id: string) => queryOptions({ queryKey: ['product', id], queryFn: () => client.products.get(id) })

/** One listing (a category, a search, a filter and sort), page after page by cursor: never a repeat. */
export const listingQuery = (client: ShopClient, params: ProductListQuery, pageSize = 20) =>
  infiniteQueryOptions({
    queryKey: ['products', params, pageSize],
    queryFn: ({ pageParam }) => client.products.list({ ...params, limit: pageSize, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  })

export type Sort = NonNullable<ProductListQuery['sort']>
export const SORTS: Sort[] = ['relevance', 'price_asc', 'price_desc', 'newest']

export const quoteQuery = (client: ShopClient, subtotal: number, postalCode: string) =>
  queryOptions({
    queryKey: ['quote', subtotal, postalCode],
    queryFn: () => client.shipping.quote(subtotal, postalCode),
    enabled: /^[0-9]{5}$/.test(postalCode),
    staleTime: 5 * 60_000,
  })

/** A mainland postal code (Seoul), for the fee before the shopper has given an address. */
export const MAINLAND_POSTAL_CODE = '04524'

export const orderQuery = (client: ShopClient, id: string) => queryOptions({ queryKey: ['order', id], queryFn: () => client.orders.get(id) })

export const myOrdersQuery = (client: ShopClient) =>
  infiniteQueryOptions({
    queryKey: ['orders'],
    queryFn: ({ pageParam }) => client.orders.list({ limit: 10, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  })

export const trackingQuery = (client: ShopClient, n: string) => queryOptions({ queryKey: ['tracking', n], queryFn: () => client.shipping.track(n) })

export const CANCELLABLE = new Set(['PENDING_PAYMENT', 'PAID'])
export const TERMINAL = new Set(['DELIVERED', 'CANCELLED'])
