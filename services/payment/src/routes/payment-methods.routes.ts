import { PAYMENT_METHODS, PaymentMethods } from '@shop/contracts/payment'
import { type App, problemResponses } from '@shop/platform/server'
import type { Payments } from '../context.ts'

/** The simulator's test cards (API.md): what a checkout page may offer when no real PG is behind it. */
const SIMULATOR_TEST_CARDS = [
  { number: '4242424242424242', paymentToken: 'tok_success', outcome: 'approved' },
  { number: '4000000000000002', paymentToken: 'tok_declined', outcome: 'card_declined' },
  { number: '4000000000009995', paymentToken: 'tok_insufficient_funds', outcome: 'insufficient_funds' },
] as const

/** GET /payments/methods: which PG is behind the shop and how a client pays through it (public). */
export function paymentMethodRoutes(app: App, p: Payments): void {
  app.get(
    '/payments/methods',
    {
      schema: {
        tags: ['payments'],
        summary: 'The payment provider, the methods it takes and, for the built-in simulator, its test cards',
        response: { 200: PaymentMethods, ...problemResponses(400) },
      },
    },
    async (_req, reply) => {
      reply.header('cache-control', 'public, max-age=60')
      const simulator = p.pg.name === 'simulator'
      return {
        provider: p.pg.name,
        methods: [...PAYMENT_METHODS],
        ...(simulator ? { testCards: [...SIMULATOR_TEST_CARDS] } : {}),
      }
    },
  )
}
