import { fireEvent, screen, waitFor } from '@testing-library/react-native'
import { CheckoutScreen } from '../src/screens/checkout-screen.tsx'
import { earphones, methods, order, profile, quote } from './support/fixtures.ts'
import { type Answer, renderWithShop, SIGNED_IN } from './support/harness.tsx'
import { router } from './support/router.ts'

const line = { productId: earphones.id, name: earphones.name, price: 89_000, quantity: 1 }

function routes(pay: Answer, user = profile): Record<string, Answer> {
  return {
    'GET /v1/auth/profile': { body: user },
    'GET /v1/products/:id': { body: earphones },
    'POST /v1/shipping/quote': (_req, body) =>
      (body as { postalCode: string }).postalCode === '63100'
        ? { body: quote(6000, [{ kind: 'base', amount: 3000 }, { kind: 'jeju', amount: 3000 }]) }
        : { body: quote() },
    'GET /v1/payments/methods': { body: methods },
    'POST /v1/orders': { status: 201, body: order() },
    'POST /v1/payments': pay,
  }
}

async function fillJeju() {
  fireEvent.changeText(screen.getByLabelText('우편번호'), '63100')
  fireEvent.changeText(screen.getByLabelText('주소'), '제주특별자치도 제주시 첨단로 242')
}

describe('checkout screen', () => {
  it('sends a signed-out shopper to sign in and back here', async () => {
    await renderWithShop(<CheckoutScreen />, { cart: [line] })
    await waitFor(() => expect(router.replace).toHaveBeenCalledWith({ pathname: '/login', params: { next: '/checkout' } }))
  })

  it('says so when there is nothing to order', async () => {
    await renderWithShop(<CheckoutScreen />, { session: SIGNED_IN, routes: routes({ body: {} }) })
    expect(await screen.findByText('주문할 상품이 없습니다.')).toBeTruthy()
  })

  it('names each missing address field in Korean and places no order', async () => {
    const { canned } = await renderWithShop(<CheckoutScreen />, { session: SIGNED_IN, cart: [line], routes: routes({ body: {} }) })
    fireEvent.changeText(await screen.findByLabelText('받는 분'), '')
    fireEvent.changeText(screen.getByLabelText('카드 번호'), '4242 4242 4242 4242')
    fireEvent.press(screen.getByRole('button', { name: /결제하기/ }))
    expect(await screen.findByText('받는 분을 입력해 주세요.')).toBeTruthy()
    expect(screen.getByText('우편번호를 입력해 주세요.')).toBeTruthy()
    expect(screen.getByText('주소를 입력해 주세요.')).toBeTruthy()
    expect(canned.calls.some((c) => c.startsWith('POST /v1/orders'))).toBe(false)
  })

  it('previews the fee with the Jeju surcharge for a Jeju postal code', async () => {
    await renderWithShop(<CheckoutScreen />, { session: SIGNED_IN, cart: [line], routes: routes({ body: {} }) })
    await screen.findByLabelText('우편번호')
    await fillJeju()
    expect(await screen.findByText('제주 추가 배송비')).toBeTruthy()
    expect(screen.getByText('6,000원')).toBeTruthy()
    expect(screen.getByRole('button', { name: '95,000원 결제하기' })).toBeTruthy()
  })

  it('a declined card says why in Korean; paying again with the good card pays the same order, and the order screen opens', async () => {
    const payments: unknown[] = []
    const pay: Answer = (_req, body) => {
      payments.push(body)
      const declined = (body as { paymentToken: string }).paymentToken === 'tok_declined'
      return { status: 201, body: { id: `pay-${payments.length}`, orderId: order().id, amount: 89_000, method: 'card', status: declined ? 'FAILED' : 'COMPLETED', failureCode: declined ? 'card_declined' : null } }
    }
    const { canned, cartStorage } = await renderWithShop(<CheckoutScreen />, { session: SIGNED_IN, cart: [line], routes: routes(pay) })
    await screen.findByLabelText('우편번호')
    await fillJeju()
    expect(screen.getByRole('radio', { name: '카드' })).toBeChecked()
    fireEvent.press(await screen.findByRole('button', { name: '4000 0000 0000 0002 카드 거절' }))
    expect(screen.getByLabelText('카드 번호').props.value).toBe('4000 0000 0000 0002')
    fireEvent.press(screen.getByRole('button', { name: /결제하기/ }))
    expect(await screen.findByText('카드사에서 결제를 거절했어요. 다른 카드로 다시 시도해 주세요.')).toBeTruthy()
    expect(screen.getByText('주문이 만들어졌어요. 결제만 다시 시도하면 됩니다.')).toBeTruthy()
    expect(router.replace).not.toHaveBeenCalled()

    fireEvent.changeText(screen.getByLabelText('카드 번호'), '4242 4242 4242 4242')
    fireEvent.press(screen.getByRole('button', { name: /결제하기/ }))
    await waitFor(() => expect(router.replace).toHaveBeenCalledWith(`/orders/${order().id}`))
    expect(canned.calls.filter((c) => c === 'POST /v1/orders')).toHaveLength(1)
    expect(payments).toEqual([
      { orderId: order().id, amount: 89_000, method: 'card', paymentToken: 'tok_declined' },
      { orderId: order().id, amount: 89_000, method: 'card', paymentToken: 'tok_success' },
    ])
    const placed = canned.bodies.find((b) => b.call === 'POST /v1/orders')!.body
    expect(placed).toEqual({
      items: [{ productId: earphones.id, quantity: 1 }],
      shippingAddress: { recipient: '김하늘', phone: '010-2345-6789', postalCode: '63100', address1: '제주특별자치도 제주시 첨단로 242' },
    })
    await waitFor(() => expect(cartStorage.saved()).toEqual([]))
  })

  it('a saved address fills the form and can be chosen', async () => {
    const saved = { label: '집', recipient: '김하늘', phone: '010-2345-6789', postalCode: '04524', address1: '서울특별시 중구 세종대로 110', address2: '3층' }
    await renderWithShop(<CheckoutScreen />, { session: SIGNED_IN, cart: [line], routes: routes({ body: {} }, { ...profile, addresses: [saved] }) })
    expect(await screen.findByRole('radio', { name: '집 서울특별시 중구 세종대로 110' })).toBeChecked()
    expect(screen.getByLabelText('상세 주소').props.value).toBe('3층')
  })
})
