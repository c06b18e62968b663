import { ShippingQuote, ShippingQuoteRequest } from '@shop/contracts/shipping'
import { type App, problemResponses } from '@shop/platform/server'
import type { Shipping } from '../context.ts'
import { FeeRules, quoteFee } from '../domain/fee-rules.ts'

/** POST /shipping/quote: the fee for a subtotal and postal code; public (the storefront's cart preview). */
export function shippingRoutes(app: App, s: Shipping): void {
  app.post(
    '/shipping/quote',
    {
      schema: {
        tags: ['shipping'],
        summary: 'Quote the shipping fee (base, free threshold, Jeju and island surcharges)',
        body: ShippingQuoteRequest,
        response: { 200: ShippingQuote, ...problemResponses(400) },
      },
    },
    async (req) => quoteFee(s.feeRules, req.body),
  )

  // Service to service (the gateway routes no /internal path): the rules the quote above
  // applies, which the order service copies to price orders without a call per order.
  app.get(
    '/internal/fee-rules',
    { schema: { tags: ['internal'], summary: 'The shipping fee rules in force', response: { 200: FeeRules } } },
    async () => s.feeRules,
  )
}
