import type { CategoryInput, CategoryUpdate, ShopClient } from '@shop/client'
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { useShop } from '../../api/shop.tsx'

/** The categories, shared with the storefront's cache key so both see a new one at once. */
export const categoriesAdminQuery = (client: ShopClient) => queryOptions({ queryKey: ['categories'], queryFn: () => client.categories.list(), staleTime: 0 })

export function useCreateCategory() {
  const client = useShop()
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (body: CategoryInput) => client.categories.create(body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['categories'] }),
  })
}

export function useUpdateCategory() {
  const client = useShop()
  const qc = useQueryClient()
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: CategoryUpdate }) => client.categories.update(id, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['categories'] }),
  })
}
