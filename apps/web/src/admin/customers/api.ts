import type { ShopClient } from '@shop/client'
import { infiniteQueryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { useShop } from '../../api/shop.tsx'

export const usersQuery = (client: ShopClient, q: string) =>
  infiniteQueryOptions({
    queryKey: ['admin', 'users', q],
    queryFn: ({ pageParam }) => client.console.users({ ...(q ? { q } : {}), limit: 20, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  })

export function useSetRoles() {
  const client = useShop()
  const qc = useQueryClient()
  return useMutation({
    mutationFn: ({ id, roles }: { id: string; roles: ('customer' | 'admin')[] }) => client.users.setRoles(id, roles),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['admin', 'users'] }),
  })
}
