import { ApiError, type Payment, type PaymentMethods, type ShopClient } from '@shop/client'
import { describe, expect, it } from 'vitest'
import { cardNumberInput, cardNumberProblem, createPayer, type PayView, paymentToken, testCardName } from './payment.ts'

const simulator = {
  provider: 'simulator',
  testCards: [
    { number: '4242424242424242', outcome: 'approved', paymentToken: 'tok_success' },
    { number: '4000000000000002', outcome: 'card_declined', paymentToken: 'tok_declined' },
    { number: '4000000000009995', outcome: 'insufficient_funds', paymentToken: 'tok_insufficient_funds' },
  ],
} as PaymentMethods

/** A client whose payments answer in turn from `answers` (a payment, or a thrown failure), recording each call's key. */
function payingClient(answers: Array<Partial<Payment> | Error>) {
  const keys: string[] = []
  const client = {
    payments: {
      pay: async (_input: unknown, key: string) => {
        keys.push(key)
        const next = answers.shift()
        if (next instanceof Error) throw next
        return next as Payment
      },
    },
  } as unknown as ShopClient
  return { client, keys }
}

function recordingView() {
  const seen: { failure?: string; cardError?: string; paid?: Payment; pending: boolean[] } = { pending: [] }
  const view: PayView = {
    setFailure: (m) => (seen.failure = m),
    setCardError: (m) => (seen.cardError = m),
    setPending: (p) => seen.pending.push(p),
    onPaid: (p) => (seen.paid = p),
  }
  return { seen, view }
}

const order = { id: 'o1', total: 12_000 }

describe('paying from the checkout form', () => {
  it('with the simulator, a test card pays with its token, other methods with tok_success, anything else with none', () => {
    expect(paymentToken(simulator, 'card', '4000 0000 0000 0002')).toBe('tok_declined')
    expect(paymentToken(simulator, 'transfer', '')).toBe('tok_success')
    expect(paymentToken(simulator, 'card', '1234 5678 1234 5678')).toBeNull()
    expect(paymentToken({ ...simulator, provider: 'toss' }, 'easy_pay', '')).toBeNull()
    expect(paymentToken(undefined, 'transfer', '')).toBeNull()
  })

  it('a card number that is not one is told apart from one the simulator does not take, in Korean', () => {
    expect(cardNumberProblem('4242')).toBe('카드 번호 16자리를 입력해 주세요.')
    expect(cardNumberProblem('1234 5678 1234 5678')).toBe('시뮬레이터에서는 아래 테스트 카드만 쓸 수 있어요.')
  })

  it('the card field keeps digits, spaces and dashes, 19 characters at most, and names the test cards in Korean', () => {
    expect(cardNumberInput('4242-4242 abc 4242 4242 9999')).toBe('4242-4242  4242 424')
    expect(['approved', 'card_declined', 'insufficient_funds'].map(testCardName)).toEqual(['결제 승인', '카드 거절', '잔액 부족'])
  })

  it('a declined card is said in Korean and the next attempt has a new key', async () => {
    const { client, keys } = payingClient([{ status: 'FAILED', failureCode: 'card_declined' }, { status: 'COMPLETED' }])
    const payer = createPayer()
    const first = recordingView()
    await payer.submit({ client, methods: simulator, method: 'card', card: '4000 0000 0000 0002', prepare: async () => order }, first.view)
    expect(first.seen.failure).toBe('카드사에서 결제를 거절했어요. 다른 카드로 다시 시도해 주세요.')
    expect(first.seen.pending).toEqual([true, false])
    const second = recordingView()
    await payer.submit({ client, methods: simulator, method: 'card', card: '4242 4242 4242 4242', prepare: async () => order }, second.view)
    expect(second.seen.paid?.status).toBe('COMPLETED')
    expect(keys).toHaveLength(2)
    expect(keys[1]).not.toBe(keys[0])
  })

  it('an answer lost on the way keeps its key, so paying again asks for the same charge', async () => {
    const { client, keys } = payingClient([new ApiError({ status: 0, code: 'network', title: 'network' }), { status: 'COMPLETED' }])
    const payer = createPayer()
    const first = recordingView()
    await payer.submit({ client, methods: simulator, method: 'transfer', card: '', prepare: async () => order }, first.view)
    expect(first.seen.failure).toBe('서버에 연결할 수 없어요. 인터넷 연결을 확인하고 다시 시도해 주세요.')
    await payer.submit({ client, methods: simulator, method: 'transfer', card: '', prepare: async () => order }, recordingView().view)
    expect(keys).toHaveLength(2)
    expect(keys[1]).toBe(keys[0])
  })

  it('an address the form refuses, or a second submit while one is on its way, sends nothing', async () => {
    const { client, keys } = payingClient([{ status: 'COMPLETED' }])
    const payer = createPayer()
    await payer.submit({ client, methods: simulator, method: 'transfer', card: '', prepare: async () => order, beforeSubmit: () => false }, recordingView().view)
    expect(keys).toEqual([])
    let release = () => {}
    const slow = () => new Promise<typeof order>((resolve) => (release = () => resolve(order)))
    const first = payer.submit({ client, methods: simulator, method: 'transfer', card: '', prepare: slow }, recordingView().view)
    await payer.submit({ client, methods: simulator, method: 'transfer', card: '', prepare: async () => order }, recordingView().view)
    release()
    await first
    expect(keys).toHaveLength(1)
  })
})
