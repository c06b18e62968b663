import { fireEvent, screen } from '@testing-library/react-native'
import { HomeScreen } from '../src/screens/home-screen.tsx'
import { ListingScreen } from '../src/screens/listing-screen.tsx'
import { categories, earphones, tumbler } from './support/fixtures.ts'
import { problem, renderWithShop } from './support/harness.tsx'
import { router } from './support/router.ts'

describe('home screen', () => {
  it('shows that it is loading while the shop has not answered', async () => {
    await renderWithShop(<HomeScreen />, { routes: { 'GET /v1/categories': 'pending', 'GET /v1/products': 'pending' } })
    expect(screen.getAllByLabelText('불러오는 중…').length).toBeGreaterThan(0)
  })

  it('shows the categories and the newest products, and a product opens its screen', async () => {
    await renderWithShop(<HomeScreen />, { routes: { 'GET /v1/categories': { body: categories }, 'GET /v1/products': { body: { items: [earphones, tumbler], nextCursor: null } } } })
    expect(await screen.findByRole('link', { name: '디지털' })).toBeTruthy()
    expect(screen.getByRole('heading', { name: '한빛마켓' })).toBeTruthy()
    expect(await screen.findByRole('link', { name: '보온 텀블러, 12,900원, 품절' })).toBeTruthy()
    fireEvent.press(screen.getByRole('link', { name: '무선 이어폰 프로, 89,000원' }))
    expect(router.push).toHaveBeenCalledWith(`/products/${earphones.id}`)
  })

  it('says the catalogue is empty when there are no products yet', async () => {
    await renderWithShop(<HomeScreen />, { routes: { 'GET /v1/categories': { body: { items: [] } }, 'GET /v1/products': { body: { items: [], nextCursor: null } } } })
    expect(await screen.findByText('아직 등록된 상품이 없습니다.')).toBeTruthy()
  })

  it('says in Korean that the server cannot be reached, and trying again shows the products', async () => {
    let up = false
    const { reachability } = await renderWithShop(<HomeScreen />, {
      routes: {
        'GET /v1/categories': () => (up ? { body: categories } : 'network'),
        'GET /v1/products': () => (up ? { body: { items: [earphones], nextCursor: null } } : 'network'),
      },
    })
    expect((await screen.findAllByText('서버에 연결할 수 없어요. 인터넷 연결을 확인하고 다시 시도해 주세요.')).length).toBe(2)
    expect(reachability.online()).toBe(false)
    up = true
    fireEvent.press(screen.getAllByRole('button', { name: '다시 시도' })[1])
    expect(await screen.findByRole('link', { name: '무선 이어폰 프로, 89,000원' })).toBeTruthy()
    expect(reachability.online()).toBe(true)
  })
})

describe('listing screen', () => {
  const page = (items: unknown[], nextCursor: string | null) => ({ body: { items, nextCursor } })

  it('shows loading, then the search results under their title', async () => {
    let release: () => void = () => {}
    const answered = new Promise<void>((r) => (release = r))
    await renderWithShop(<ListingScreen params={{ q: '이어폰', sort: 'price_asc' }} />, {
      routes: { 'GET /v1/categories': { body: categories }, 'GET /v1/products': async () => (await answered, page([earphones], null)) },
    })
    expect(screen.getByLabelText('불러오는 중…')).toBeTruthy()
    release()
    expect(await screen.findByRole('link', { name: '무선 이어폰 프로, 89,000원' })).toBeTruthy()
    expect(screen.getByRole('heading', { name: '‘이어폰’ 검색 결과' })).toBeTruthy()
    expect(screen.getByRole('radio', { name: '낮은 가격순' })).toBeChecked()
    expect(screen.getByRole('radio', { name: '추천순' })).not.toBeChecked()
  })

  it('says nothing matched when the listing is empty', async () => {
    await renderWithShop(<ListingScreen params={{ q: '없는상품' }} />, { routes: { 'GET /v1/categories': { body: categories }, 'GET /v1/products': page([], null) } })
    expect(await screen.findByText('조건에 맞는 상품이 없습니다.')).toBeTruthy()
  })

  it('says what went wrong in Korean when the shop fails', async () => {
    await renderWithShop(<ListingScreen params={{ category: 'digital' }} />, { routes: { 'GET /v1/categories': { body: categories }, 'GET /v1/products': problem('internal', 500) } })
    expect(await screen.findByText('문제가 생겼어요. 잠시 후 다시 시도해 주세요.')).toBeTruthy()
  })

  it('loads the next page by its cursor and shows each product once', async () => {
    const { canned } = await renderWithShop(<ListingScreen params={{ category: 'digital', inStock: '1' }} />, {
      routes: {
        'GET /v1/categories': { body: categories },
        'GET /v1/products': (req) => (new URL(req.url).searchParams.get('cursor') === 'c2' ? page([tumbler], null) : page([earphones], 'c2')),
      },
    })
    expect(await screen.findByRole('heading', { name: '디지털' })).toBeTruthy()
    fireEvent.press(await screen.findByRole('button', { name: '더 보기' }))
    expect(await screen.findByRole('link', { name: '보온 텀블러, 12,900원, 품절' })).toBeTruthy()
    expect(screen.getAllByRole('link', { name: /무선 이어폰 프로/ })).toHaveLength(1)
    expect(canned.calls.filter((c) => c.startsWith('GET /v1/products'))).toEqual([
      'GET /v1/products?limit=20&category=digital&inStock=true',
      'GET /v1/products?limit=20&category=digital&inStock=true&cursor=c2',
    ])
  })

  it('a sort and a price range go into the route, so coming back keeps them', async () => {
    await renderWithShop(<ListingScreen params={{ q: '이어폰' }} />, { routes: { 'GET /v1/categories': { body: categories }, 'GET /v1/products': page([earphones], null) } })
    fireEvent.press(await screen.findByRole('radio', { name: '높은 가격순' }))
    expect(router.setParams).toHaveBeenLastCalledWith({ sort: 'price_desc' })
    fireEvent.changeText(screen.getByLabelText('최소 가격'), '10,000')
    fireEvent.press(screen.getByRole('button', { name: '적용' }))
    expect(router.setParams).toHaveBeenLastCalledWith({ minPrice: '10000', maxPrice: '' })
  })
})
