import type { ShopClient } from '@shop/client'
import type { QueryClient } from '@tanstack/react-query'

/**
 * A shopper's 주문 취소: the order's cached copy becomes the service's answer and the order
 * lists are read again. When the service refuses (the order shipped or was cancelled
 * meanwhile), the order is read again so the page shows why, and the refusal is rethrown for
 * the page to say in Korean.
 */
export async function cancelOrder(client: ShopClient, qc: QueryClient, orderId: string): Promise<void> {
  try {
    qc.setQueryData(['order', orderId], await client.orders.cancel(orderId, 'customer_request'))
    void qc.invalidateQueries({ queryKey: ['orders'] })
  } catch (err) {
    void qc.invalidateQueries({ queryKey: ['order', orderId] })
    throw err
  }
}
