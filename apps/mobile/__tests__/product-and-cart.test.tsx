import { fireEvent, screen, waitFor } from '@testing-library/react-native'
import { CartScreen } from '../src/screens/cart-screen.tsx'
import { ProductScreen } from '../src/screens/product-screen.tsx'
import { earphones, quote, tumbler } from './support/fixtures.ts'
import { problem, renderWithShop } from './support/harness.tsx'
import { router } from './support/router.ts'

describe('product screen', () => {
  it('shows that it is loading first', async () => {
    await renderWithShop(<ProductScreen id={earphones.id} />, { routes: { 'GET /v1/products/:id': 'pending' } })
    expect(screen.getByLabelText('불러오는 중…')).toBeTruthy()
  })

  it('shows the product, its stock and attributes, and 장바구니 담기 puts the chosen quantity in the cart', async () => {
    const { cartStorage } = await renderWithShop(<ProductScreen id={earphones.id} />, { routes: { 'GET /v1/products/:id': { body: earphones } } })
    expect(await screen.findByRole('heading', { name: '무선 이어폰 프로' })).toBeTruthy()
    expect(screen.getByText('89,000원')).toBeTruthy()
    expect(screen.getByText('남은 수량 7개')).toBeTruthy()
    expect(screen.getByText('화이트')).toBeTruthy()
    fireEvent.press(screen.getByRole('button', { name: '수량 늘리기' }))
    expect(screen.getByRole('spinbutton', { name: '수량' }).props.value).toBe('2')
    fireEvent.press(screen.getByRole('button', { name: '장바구니 담기' }))
    expect(await screen.findByText('장바구니에 담았습니다.')).toBeTruthy()
    await waitFor(() => expect(cartStorage.saved()).toEqual([{ productId: earphones.id, name: earphones.name, price: 89_000, quantity: 2, image: '/demo/EAR-1.svg' }]))
    fireEvent.press(screen.getByRole('link', { name: '장바구니로 가기' }))
    expect(router.navigate).toHaveBeenCalledWith('/cart')
  })

  it('a sold-out product says 품절 and offers no 장바구니 담기', async () => {
    await renderWithShop(<ProductScreen id={tumbler.id} />, { routes: { 'GET /v1/products/:id': { body: tumbler } } })
    expect(await screen.findByText('품절')).toBeTruthy()
    expect(screen.queryByRole('button', { name: '장바구니 담기' })).toBeNull()
  })

  it('a product that is gone says so; a failure says what happened in Korean', async () => {
    await renderWithShop(<ProductScreen id={earphones.id} />, { routes: { 'GET /v1/products/:id': problem('not_found', 404) } })
    expect(await screen.findByText('상품을 찾을 수 없습니다.')).toBeTruthy()
    screen.unmount()
    await renderWithShop(<ProductScreen id={earphones.id} />, { routes: { 'GET /v1/products/:id': problem('rate_limited', 429) } })
    expect(await screen.findByText('요청이 너무 많아요. 잠시 후 다시 시도해 주세요.')).toBeTruthy()
  })
})

describe('cart screen', () => {
  const line = { productId: earphones.id, name: earphones.name, price: 89_000, quantity: 1 }

  it('an empty cart says so', async () => {
    await renderWithShop(<CartScreen />)
    expect(screen.getByText('장바구니가 비어 있습니다.')).toBeTruthy()
  })

  it('shows each line with quantity and 삭제, the subtotal, the fee and the total; 주문하기 goes to checkout', async () => {
    await renderWithShop(<CartScreen />, {
      cart: [line],
      routes: { 'GET /v1/products/:id': { body: earphones }, 'POST /v1/shipping/quote': { body: quote(0, [{ kind: 'base', amount: 3000 }, { kind: 'free_shipping', amount: -3000 }]) } },
    })
    expect(screen.getByRole('spinbutton', { name: '수량' }).props.value).toBe('1')
    expect(await screen.findByText('무료')).toBeTruthy()
    expect(screen.getByText(/50,000원 이상 구매 시 무료배송/)).toBeTruthy()
    fireEvent.press(screen.getByRole('button', { name: '수량 늘리기' }))
    await waitFor(() => expect(screen.getAllByText('178,000원').length).toBeGreaterThanOrEqual(2))
    fireEvent.press(screen.getByRole('button', { name: '주문하기' }))
    expect(router.push).toHaveBeenCalledWith('/checkout')
  })

  it('says when a price changed since it was added, and 삭제 empties the cart on the device', async () => {
    const { cartStorage } = await renderWithShop(<CartScreen />, {
      cart: [{ ...line, price: 99_000 }],
      routes: { 'GET /v1/products/:id': { body: earphones }, 'POST /v1/shipping/quote': { body: quote() } },
    })
    expect(await screen.findByText('가격이 99,000원에서 89,000원(으)로 바뀌었어요.')).toBeTruthy()
    expect(await screen.findByText('92,000원')).toBeTruthy()
    fireEvent.press(screen.getByRole('button', { name: '삭제' }))
    expect(await screen.findByText('장바구니가 비어 있습니다.')).toBeTruthy()
    expect(cartStorage.saved()).toEqual([])
  })
})
