import { isApiError, type Product, type ProductInput, type ProductListQuery, type ProductUpdate, type ShopClient } from '@shop/client'
import { infiniteQueryOptions, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { useShop } from '../../api/shop.tsx'

export type ProductFilters = { q?: string; category?: string; inStock?: boolean }

export const adminProductsQuery = (client: ShopClient, f: ProductFilters) =>
  infiniteQueryOptions({
    queryKey: ['admin', 'products', f],
    queryFn: ({ pageParam }) => {
      const query: ProductListQuery = { limit: 20, sort: f.q ? 'relevance' : 'newest' }
      if (f.q) query.q = f.q
      if (f.category) query.category = f.category
      if (f.inStock) query.inStock = true
      if (pageParam) query.cursor = pageParam
      return client.products.list(query)
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  })

/** The product as saved now (never from a cache: the editor needs its version). */
export const adminProductQuery = (client: ShopClient, id: string) =>
  queryOptions({ queryKey: ['admin', 'product', id], queryFn: () => client.products.get(id), staleTime: 0 })

function useInvalidateProducts() {
  const qc = useQueryClient()
  return (p?: Product) => {
    void qc.invalidateQueries({ queryKey: ['admin', 'products'] })
    void qc.invalidateQueries({ queryKey: ['admin', 'low-stock'] })
    // the storefront's cached pages of this product and listings
    void qc.invalidateQueries({ queryKey: ['product'] })
    void qc.invalidateQueries({ queryKey: ['products'] })
    if (p) qc.setQueryData(['admin', 'product', p.id], p)
  }
}

export function useCreateProduct() {
  const client = useShop()
  const done = useInvalidateProducts()
  return useMutation({ mutationFn: (body: ProductInput) => client.products.create(body), onSuccess: (p) => done(p) })
}

/** Saves with If-Match of the version the editor started from; 409 conflict means someone saved meanwhile. */
export function useUpdateProduct(id: string) {
  const client = useShop()
  const done = useInvalidateProducts()
  return useMutation({
    mutationFn: ({ body, version }: { body: ProductUpdate; version: number }) => client.products.update(id, body, version),
    onSuccess: (p) => done(p),
  })
}

export function useDeleteProduct() {
  const client = useShop()
  const done = useInvalidateProducts()
  return useMutation({ mutationFn: (id: string) => client.products.remove(id), onSuccess: () => done() })
}

export function useSetStock() {
  const client = useShop()
  const done = useInvalidateProducts()
  return useMutation({ mutationFn: ({ id, onHand }: { id: string; onHand: number }) => client.products.setStock(id, onHand), onSuccess: () => done() })
}

/** A 409 on save: the version moved on (or, with a stock change, stock fell below reserved). */
export const isVersionConflict = (err: unknown) => isApiError(err, 'conflict')
