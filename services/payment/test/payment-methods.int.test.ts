import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PaymentHarness, startPayments } from './helpers.ts'

let h: PaymentHarness

beforeAll(async () => {
  h = await startPayments({ prefix: 'paymethods' })
})
afterAll(async () => {
  await h?.close()
})

describe('GET /payments/methods', () => {
  it('with the simulator, anyone learns the provider, the methods and the test cards that pay, decline and lack funds', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/payments/methods' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      provider: 'simulator',
      methods: ['card', 'transfer', 'easy_pay'],
      testCards: [
        { number: '4242424242424242', paymentToken: 'tok_success', outcome: 'approved' },
        { number: '4000000000000002', paymentToken: 'tok_declined', outcome: 'card_declined' },
        { number: '4000000000009995', paymentToken: 'tok_insufficient_funds', outcome: 'insufficient_funds' },
      ],
    })
  })

  it('each test card does what it says when paid with', async () => {
    const cards = (await h.app.inject({ method: 'GET', url: '/payments/methods' })).json().testCards as { paymentToken: string; outcome: string }[]
    for (const card of cards) {
      const order = await h.createOrder()
      const res = await h.pay(order.token, { orderId: order.orderId, amount: order.total, method: 'card', paymentToken: card.paymentToken })
      expect(res.statusCode).toBe(201)
      const body = res.json()
      expect(card.outcome === 'approved' ? body.status : body.failureCode).toBe(card.outcome === 'approved' ? 'COMPLETED' : card.outcome)
    }
  })
})
