import type { Order, Payment, PaymentMethod, ShopClient } from '@shop/client'
import { newIdempotencyKey } from '@shop/client'
import { queryOptions } from '@tanstack/react-query'

export const paymentMethodsQuery = (client: ShopClient) =>
  queryOptions({ queryKey: ['payment-methods'], queryFn: () => client.payments.methods(), staleTime: 10 * 60_000 })

/**
 * One payment attempt's Idempotency-Key, kept until its outcome is known: a retry after a
 * dropped connection or a double click sends the same key, so the PG is charged at most once.
 * A declined attempt's outcome is known, so the next attempt gets a new key.
 */
export function createAttemptKeys() {
  let current: string | null = null
  return {
    key: () => (current ??= newIdempotencyKey()),
    settled: () => {
      current = null
    },
  }
}

export async function payOrder(
  client: ShopClient,
  order: Pick<Order, 'id' | 'total'>,
  method: PaymentMethod,
  paymentToken: string,
  key: string,
): Promise<Payment> {
  return client.payments.pay({ orderId: order.id, amount: order.total, method, paymentToken }, key)
}
