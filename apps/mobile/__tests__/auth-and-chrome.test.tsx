import { fireEvent, screen, waitFor } from '@testing-library/react-native'
import { OfflineBanner, TopBar } from '../src/chrome/top-bar.tsx'
import { LoginScreen, SignupScreen } from '../src/screens/auth-screens.tsx'
import { earphones, profile } from './support/fixtures.ts'
import { problem, renderWithShop, SIGNED_IN } from './support/harness.tsx'
import { router } from './support/router.ts'

const session = { accessToken: 'a2', refreshToken: 'r2', user: profile }

describe('sign in and sign up', () => {
  it('wrong credentials say so in Korean and the shopper stays', async () => {
    await renderWithShop(<LoginScreen next="/checkout" />, { routes: { 'POST /v1/auth/login': problem('unauthorized', 401) } })
    fireEvent.changeText(screen.getByLabelText('이메일'), 'haneul@shop.test')
    fireEvent.changeText(screen.getByLabelText('비밀번호'), 'wrong-password-1')
    fireEvent.press(screen.getByRole('button', { name: '로그인' }))
    expect(await screen.findByText('이메일 또는 비밀번호가 맞지 않아요.')).toBeTruthy()
    expect(router.replace).not.toHaveBeenCalled()
  })

  it('signing in returns the shopper where they were, and keeps the session', async () => {
    const { client } = await renderWithShop(<LoginScreen next="/checkout" />, { routes: { 'POST /v1/auth/login': { body: session } } })
    fireEvent.changeText(screen.getByLabelText('이메일'), 'haneul@shop.test')
    fireEvent.changeText(screen.getByLabelText('비밀번호'), 'haneul-2026-secret')
    fireEvent.press(screen.getByRole('button', { name: '로그인' }))
    await waitFor(() => expect(router.replace).toHaveBeenCalledWith('/checkout'))
    expect(await client.session()).toEqual({ accessToken: 'a2', refreshToken: 'r2' })
  })

  it('sign up refuses a short password, and a taken email says to sign in instead, in Korean', async () => {
    await renderWithShop(<SignupScreen next="https://evil.example/" />, { routes: { 'POST /v1/auth/register': problem('conflict', 409) } })
    fireEvent.changeText(screen.getByLabelText('이메일'), 'haneul@shop.test')
    fireEvent.changeText(screen.getByLabelText('이름'), '김하늘')
    fireEvent.changeText(screen.getByLabelText('비밀번호'), 'short')
    fireEvent.press(screen.getByRole('button', { name: '가입하기' }))
    expect(await screen.findByText('비밀번호는 10자 이상이어야 해요.')).toBeTruthy()
    fireEvent.changeText(screen.getByLabelText('비밀번호'), 'haneul-2026-secret')
    fireEvent.press(screen.getByRole('button', { name: '가입하기' }))
    expect(await screen.findByText('이미 가입된 이메일이에요. 로그인해 주세요.')).toBeTruthy()
  })
})

describe('every screen’s bar', () => {
  it('offers the search box, the cart with its count, 내 주문 and 로그인 to a signed-out shopper', async () => {
    await renderWithShop(<TopBar />, { cart: [{ productId: earphones.id, name: earphones.name, price: 89_000, quantity: 2 }] })
    expect(screen.getByRole('searchbox', { name: '상품 검색' })).toBeTruthy()
    expect(await screen.findByRole('link', { name: '장바구니 2' })).toBeTruthy()
    expect(screen.getByRole('link', { name: '내 주문' })).toBeTruthy()
    expect(await screen.findByRole('link', { name: '로그인' })).toBeTruthy()
  })

  it('a search goes to the results, and typing offers matching products', async () => {
    await renderWithShop(<TopBar />, { routes: { 'GET /v1/products': { body: { items: [earphones], nextCursor: null } } } })
    fireEvent.changeText(screen.getByRole('searchbox', { name: '상품 검색' }), '이어폰')
    fireEvent.press(await screen.findByRole('link', { name: '무선 이어폰 프로' }))
    expect(router.push).toHaveBeenCalledWith(`/products/${earphones.id}`)
    fireEvent(screen.getByRole('searchbox', { name: '상품 검색' }), 'submitEditing')
    expect(router.push).toHaveBeenLastCalledWith({ pathname: '/search', params: { q: '이어폰' } })
  })

  it('a signed-in shopper gets 로그아웃, which ends the session', async () => {
    const { client } = await renderWithShop(<TopBar />, { session: SIGNED_IN, routes: { 'GET /v1/auth/profile': { body: profile }, 'POST /v1/auth/logout': { status: 204 } } })
    fireEvent.press(await screen.findByRole('button', { name: '로그아웃' }))
    expect(await screen.findByRole('link', { name: '로그인' })).toBeTruthy()
    expect(await client.session()).toBeNull()
  })

  it('the offline banner appears when the API cannot be reached and goes when it answers again', async () => {
    let up = false
    const { client } = await renderWithShop(<OfflineBanner onRetry={() => {}} />, { routes: { 'GET /v1/categories': () => (up ? { body: { items: [] } } : 'network') } })
    expect(screen.queryByRole('alert')).toBeNull()
    await client.categories.list().catch(() => {})
    expect(await screen.findByText('서버에 연결할 수 없어요. 잠시 후 다시 시도해 주세요.')).toBeTruthy()
    up = true
    await client.categories.list()
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull())
  })
})
