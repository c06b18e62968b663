import { ShippingQuote } from '@shop/contracts/shipping'
import type { ServiceClient } from '@shop/platform/http-client'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { UpstreamContractBroken } from '../order.errors.ts'

/** The shipping service's fee quote (packages/contracts/src/shipping.ts). */

const quoteCheck = TypeCompiler.Compile(ShippingQuote)

/** The shipping fee for a subtotal and postal code; a pure computation at shipping, so retried. */
export async function quoteShipping(
  shipping: ServiceClient,
  body: { subtotal: number; postalCode: string },
  headers: Record<string, string>,
): Promise<ShippingQuote> {
  const res = await shipping.request<unknown>({ method: 'POST', path: '/shipping/quote', body, headers, idempotent: true })
  if (res.status !== 200) throw new UpstreamContractBroken('shipping', `quote answered ${res.status}`)
  if (!quoteCheck.Check(res.body)) throw new UpstreamContractBroken('shipping', 'quote body')
  return res.body
}
