import type { AdminOrderQuery, Order, ShopClient } from '@shop/client'
import { infiniteQueryOptions, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { useShop } from '../../api/shop.tsx'

export const adminOrdersQuery = (client: ShopClient, query: AdminOrderQuery) =>
  infiniteQueryOptions({
    queryKey: ['admin', 'orders', query],
    queryFn: ({ pageParam }) => client.console.orders({ ...query, limit: 20, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  })

/** A customer's id from their exact email (the users search matches parts of emails). */
export const customerByEmailQuery = (client: ShopClient, email: string) =>
  queryOptions({
    queryKey: ['admin', 'user-by-email', email],
    queryFn: async () => {
      const res = await client.console.users({ q: email, limit: 20 })
      return res.items.find((u) => u.email.toLowerCase() === email.toLowerCase()) ?? null
    },
  })

export const adminOrderQuery = (client: ShopClient, id: string) => queryOptions({ queryKey: ['admin', 'order', id], queryFn: () => client.orders.get(id) })

export const paymentQuery = (client: ShopClient, id: string) => queryOptions({ queryKey: ['admin', 'payment', id], queryFn: () => client.payments.get(id) })

export const shipmentQuery = (client: ShopClient, orderId: string) =>
  queryOptions({
    queryKey: ['admin', 'shipment', orderId],
    // no shipment yet is an answer, not a failure
    queryFn: () => client.shipping.shipment(orderId).catch((err: { code?: string }) => (err?.code === 'not_found' ? null : Promise.reject(err))),
  })

/**
 * Keeps the order (and its payment and shipment) current from the order's event stream,
 * while the page is open and the order is not settled.
 */
export function useLiveOrder(id: string, order: Order | undefined) {
  const client = useShop()
  const qc = useQueryClient()
  const settled = order ? order.status === 'DELIVERED' || order.status === 'CANCELLED' : true
  useEffect(() => {
    if (settled) return
    const ctrl = new AbortController()
    void client.orders
      .follow(
        id,
        (o) => {
          qc.setQueryData(['admin', 'order', id], o)
          void qc.invalidateQueries({ queryKey: ['admin', 'shipment', id] })
          if (o.payment?.paymentId) void qc.invalidateQueries({ queryKey: ['admin', 'payment', o.payment.paymentId] })
        },
        ctrl.signal,
      )
      .catch(() => {})
    return () => ctrl.abort()
  }, [client, qc, id, settled])
}

function useRefreshOrder(id: string) {
  const qc = useQueryClient()
  return () => {
    void qc.invalidateQueries({ queryKey: ['admin', 'order', id] })
    void qc.invalidateQueries({ queryKey: ['admin', 'orders'] })
    void qc.invalidateQueries({ queryKey: ['admin', 'summary'] })
  }
}

export function useCancelOrder(id: string) {
  const client = useShop()
  const qc = useQueryClient()
  const refresh = useRefreshOrder(id)
  return useMutation({
    mutationFn: () => client.orders.cancel(id, 'admin'),
    onSuccess: (o) => {
      qc.setQueryData(['admin', 'order', id], o)
      refresh()
    },
  })
}

export function useRefund(orderId: string, paymentId: string) {
  const client = useShop()
  const qc = useQueryClient()
  const refresh = useRefreshOrder(orderId)
  return useMutation({
    mutationFn: (body: { amount?: number; reason: string }) => client.payments.refund(paymentId, body),
    onSuccess: (p) => {
      qc.setQueryData(['admin', 'payment', paymentId], p)
      refresh()
    },
  })
}
