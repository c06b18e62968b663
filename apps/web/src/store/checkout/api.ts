import type { ShopClient } from '@shop/client'
import { queryOptions } from '@tanstack/react-query'

// The payment attempt itself (its Idempotency-Key, one at a time) is @shop/storefront-core/payment's.
export const paymentMethodsQuery = (client: ShopClient) =>
  queryOptions({ queryKey: ['payment-methods'], queryFn: () => client.payments.methods(), staleTime: 10 * 60_000 })
