import type { ShipmentStatus, ShipmentUpdate, ShopClient } from '@shop/client'
import { infiniteQueryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { useShop } from '../../api/shop.tsx'

export const CARRIERS = ['CJ', 'HANJIN', 'LOTTE', 'EPOST'] as const

export const shipmentsQuery = (client: ShopClient, status: ShipmentStatus) =>
  infiniteQueryOptions({
    queryKey: ['admin', 'shipments', status],
    queryFn: ({ pageParam }) => client.console.shipments({ status, limit: 20, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  })

export function useUpdateShipment() {
  const client = useShop()
  const qc = useQueryClient()
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: ShipmentUpdate }) => client.shipping.updateStatus(id, body),
    onSuccess: (s) => {
      void qc.invalidateQueries({ queryKey: ['admin', 'shipments'] })
      void qc.invalidateQueries({ queryKey: ['admin', 'shipment', s.orderId] })
      void qc.invalidateQueries({ queryKey: ['admin', 'order', s.orderId] })
    },
  })
}
