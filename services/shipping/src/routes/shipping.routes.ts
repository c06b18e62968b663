import { ShippingQuote, ShippingQuoteRequest } from '@shop/contracts/shipping'
import { type App, problemResponses } from '@shop/platform/server'
import type { Shipping } from '../context.ts'
import { quoteFee } from '../domain/fee-rules.ts'

/** POST /shipping/quote: the fee for a subtotal and postal code; public (the order service calls it too). */
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
}
