// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it } from 'vitest'
import { cannedClient, Providers } from '../../test/canned-client.tsx'
import { PaymentForm } from './payment-form.tsx'

afterEach(cleanup)

const ORDER = { id: '00000000-0000-4000-8000-0000000000aa', total: 15_000 }
const METHODS = {
  provider: 'simulator',
  methods: ['card', 'transfer', 'easy_pay'],
  testCards: [
    { number: '4242424242424242', paymentToken: 'tok_success', outcome: 'approved' },
    { number: '4000000000000002', paymentToken: 'tok_declined', outcome: 'card_declined' },
    { number: '4000000000009995', paymentToken: 'tok_insufficient_funds', outcome: 'insufficient_funds' },
  ],
}
const payment = (over: Record<string, unknown>) => ({ id: 'p1', orderId: ORDER.id, userId: 'u', amount: 15_000, refundedAmount: 0, method: 'card', refunds: [], status: 'COMPLETED', ...over })

function setup(payAnswers: { status: number; body: unknown }[]) {
  const bodies: { key: string | null; body: Record<string, unknown> }[] = []
  let i = 0
  const { client } = cannedClient(
    {
      'GET /v1/payments/methods': { body: METHODS },
      'POST /v1/payments': (req) => {
        void req.clone().json().then((b) => bodies.push({ key: req.headers.get('idempotency-key'), body: b }))
        return payAnswers[Math.min(i++, payAnswers.length - 1)]
      },
    },
    true,
  )
  const paid: unknown[] = []
  render(
    <Providers client={client}>
      <PaymentForm amount={ORDER.total} prepare={async () => ORDER} onPaid={(p) => paid.push(p)} />
    </Providers>,
  )
  return { bodies, paid }
}

describe('the payment form', () => {
  it('asks for a whole card number before asking the server anything', async () => {
    const { bodies } = setup([{ status: 201, body: payment({}) }])
    await userEvent.type(await screen.findByRole('textbox', { name: '카드 번호' }), '4242 4242')
    await userEvent.click(screen.getByRole('button', { name: /15,000원 결제하기/ }))
    expect(await screen.findByText('카드 번호 16자리를 입력해 주세요.')).toBeTruthy()
    expect(bodies).toEqual([])
  })

  it('with the simulator, a card that is not one of its test cards is explained, not sent', async () => {
    const { bodies } = setup([{ status: 201, body: payment({}) }])
    await userEvent.type(await screen.findByRole('textbox', { name: '카드 번호' }), '1234 5678 1234 5678')
    await userEvent.click(screen.getByRole('button', { name: /결제하기/ }))
    expect(await screen.findByText('시뮬레이터에서는 아래 테스트 카드만 쓸 수 있어요.')).toBeTruthy()
    expect(bodies).toEqual([])
  })

  it('a declined card is said in Korean, and paying again uses a new key with the good card', async () => {
    const { bodies, paid } = setup([
      { status: 201, body: payment({ status: 'FAILED', failureCode: 'card_declined', failureMessage: 'The card issuer declined the charge' }) },
      { status: 201, body: payment({}) },
    ])
    const card = await screen.findByRole('textbox', { name: '카드 번호' })
    await userEvent.type(card, '4000 0000 0000 0002')
    await userEvent.click(screen.getByRole('button', { name: /결제하기/ }))
    expect((await screen.findByRole('alert')).textContent).toBe('카드사에서 결제를 거절했어요. 다른 카드로 다시 시도해 주세요.')
    expect(paid).toEqual([])
    await userEvent.clear(card)
    await userEvent.type(card, '4242424242424242')
    await userEvent.click(screen.getByRole('button', { name: /결제하기/ }))
    await waitFor(() => expect(paid).toHaveLength(1))
    expect(bodies.map((b) => b.body.paymentToken)).toEqual(['tok_declined', 'tok_success'])
    expect(bodies.map((b) => b.body.amount)).toEqual([15_000, 15_000])
    expect(new Set(bodies.map((b) => b.key)).size).toBe(2)
  })

  it('insufficient funds and an order no longer payable have their own Korean words', async () => {
    setup([
      { status: 201, body: payment({ status: 'FAILED', failureCode: 'insufficient_funds' }) },
      { status: 409, body: { type: 'x', title: 'Invalid state', status: 409, code: 'invalid_state' } },
    ])
    await userEvent.type(await screen.findByRole('textbox', { name: '카드 번호' }), '4000000000009995')
    await userEvent.click(screen.getByRole('button', { name: /결제하기/ }))
    expect((await screen.findByRole('alert')).textContent).toContain('잔액(한도)이 부족해요')
    await userEvent.click(screen.getByRole('button', { name: /결제하기/ }))
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('이 주문은 지금 결제할 수 없어요'))
  })

  it('transfer and easy pay need no card number and are offered as a radio group named 결제 수단', async () => {
    const { bodies, paid } = setup([{ status: 201, body: payment({ method: 'transfer' }) }])
    expect(await screen.findByRole('group', { name: '결제 수단' })).toBeTruthy()
    await userEvent.click(screen.getByRole('radio', { name: '계좌이체' }))
    expect(screen.queryByRole('textbox', { name: '카드 번호' })).toBeNull()
    await userEvent.click(screen.getByRole('button', { name: /결제하기/ }))
    await waitFor(() => expect(paid).toHaveLength(1))
    expect(bodies[0].body.method).toBe('transfer')
  })
})
