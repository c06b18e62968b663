import type { Product, ShopClient } from '@shop/client'
import { isApiError } from '@shop/client'
import { queryOptions, useQueries, useQuery } from '@tanstack/react-query'
import { useShop } from '../../api/shop.tsx'
import { productQuery } from '../catalog/api.ts'
import type { Cart } from '@shop/storefront-core/cart'

export const quoteQuery = (client: ShopClient, subtotal: number, postalCode: string) =>
  queryOptions({
    queryKey: ['quote', subtotal, postalCode],
    queryFn: () => client.shipping.quote(subtotal, postalCode),
    enabled: /^[0-9]{5}$/.test(postalCode),
    staleTime: 5 * 60_000,
  })

/** A mainland postal code (Seoul), for the fee before the shopper has given an address. */
export const MAINLAND_POSTAL_CODE = '04524'

export type LineState = { product?: Product; gone: boolean; loading: boolean }

/** Each cart line's product as the catalogue has it now (price, stock), or that it is gone. */
export function useCartProducts(cart: Cart): Map<string, LineState> {
  const client = useShop()
  const results = useQueries({ queries: cart.map((l) => ({ ...productQuery(client, l.productId), staleTime: 10_000 })) })
  return new Map(
    cart.map((l, i) => {
      const r = results[i]
      return [l.productId, { product: r?.data, gone: isApiError(r?.error, 'not_found') || isApiError(r?.error, 'validation_failed'), loading: Boolean(r?.isPending) }]
    }),
  )
}

export function useQuote(subtotal: number, postalCode: string) {
  return useQuery(quoteQuery(useShop(), subtotal, postalCode))
}
