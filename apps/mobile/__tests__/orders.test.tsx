import { fireEvent, screen, waitFor } from '@testing-library/react-native'
import { MyOrdersScreen } from '../src/screens/my-orders-screen.tsx'
import { OrderScreen } from '../src/screens/order-screen.tsx'
import { TrackingScreen } from '../src/screens/tracking-screen.tsx'
import { order, profile } from './support/fixtures.ts'
import { problem, renderWithShop, SIGNED_IN } from './support/harness.tsx'
import { router } from './support/router.ts'

const id = order().id
const me = { 'GET /v1/auth/profile': { body: profile } }

describe('order screen', () => {
  it('shows that it is loading first', async () => {
    await renderWithShop(<OrderScreen id={id} />, { session: SIGNED_IN, routes: { ...me, 'GET /v1/orders/:id': 'pending' } })
    expect(screen.getByLabelText('불러오는 중…')).toBeTruthy()
  })

  it('turns 결제 대기 into 결제 완료 by itself from the order’s event stream, and says it follows the stream', async () => {
    await renderWithShop(<OrderScreen id={id} />, {
      session: SIGNED_IN,
      routes: { ...me, 'GET /v1/orders/:id': { body: order() }, 'GET /v1/orders/:id/events': { sse: [order('PAID', { payment: { id: 'p1', status: 'COMPLETED' } })] } },
    })
    expect(await screen.findByLabelText('주문 상태 결제 완료')).toBeTruthy()
    expect(screen.getByText('실시간 연결(SSE)로 상태를 받고 있어요.')).toBeTruthy()
    expect(screen.getByRole('button', { name: '주문 취소' })).toBeTruthy()
  })

  it('says it checks every few seconds when the shop offers no event stream', async () => {
    await renderWithShop(<OrderScreen id={id} />, {
      session: SIGNED_IN,
      routes: { ...me, 'GET /v1/orders/:id': { body: order('PAID') }, 'GET /v1/orders/:id/events': problem('not_found', 404) },
    })
    expect(await screen.findByText('몇 초마다 상태를 확인하고 있어요.')).toBeTruthy()
    expect(screen.getByLabelText('주문 상태 결제 완료')).toBeTruthy()
  })

  it('a delivered order offers no cancelling and links its tracking', async () => {
    await renderWithShop(<OrderScreen id={id} />, {
      session: SIGNED_IN,
      routes: { ...me, 'GET /v1/orders/:id': { body: order('DELIVERED', { shipment: { status: 'DELIVERED', carrier: 'CJ', trackingNumber: '123456789012' } }) } },
    })
    expect(await screen.findByLabelText('주문 상태 배송 완료')).toBeTruthy()
    expect(screen.queryByRole('button', { name: '주문 취소' })).toBeNull()
    fireEvent.press(screen.getByRole('link', { name: '배송 조회 123456789012' }))
    expect(router.push).toHaveBeenCalledWith('/tracking/123456789012')
  })

  it('an order that is not the shopper’s is not found; a failure says so in Korean', async () => {
    await renderWithShop(<OrderScreen id={id} />, { session: SIGNED_IN, routes: { ...me, 'GET /v1/orders/:id': problem('not_found', 404) } })
    expect(await screen.findByText('주문을 찾을 수 없습니다.')).toBeTruthy()
    screen.unmount()
    await renderWithShop(<OrderScreen id={id} />, { session: SIGNED_IN, routes: { ...me, 'GET /v1/orders/:id': problem('upstream_unavailable', 503) } })
    expect(await screen.findByText('서비스가 잠시 응답하지 않아요. 잠시 후 다시 시도해 주세요.')).toBeTruthy()
  })
})

describe('my orders screen', () => {
  it('lists the orders with their status, and one opens its screen', async () => {
    await renderWithShop(<MyOrdersScreen />, { session: SIGNED_IN, routes: { ...me, 'GET /v1/orders': { body: { items: [order('PAID')], nextCursor: null } } } })
    fireEvent.press(await screen.findByRole('link', { name: '무선 이어폰 프로, 결제 완료, 89,000원' }))
    expect(router.push).toHaveBeenCalledWith(`/orders/${id}`)
  })

  it('loading, empty and failing each say so', async () => {
    await renderWithShop(<MyOrdersScreen />, { session: SIGNED_IN, routes: { ...me, 'GET /v1/orders': 'pending' } })
    await waitFor(() => expect(screen.getByRole('heading', { name: '내 주문' })).toBeTruthy())
    expect(screen.getByLabelText('불러오는 중…')).toBeTruthy()
    screen.unmount()
    await renderWithShop(<MyOrdersScreen />, { session: SIGNED_IN, routes: { ...me, 'GET /v1/orders': { body: { items: [], nextCursor: null } } } })
    expect(await screen.findByText('아직 주문이 없습니다.')).toBeTruthy()
    screen.unmount()
    await renderWithShop(<MyOrdersScreen />, { session: SIGNED_IN, routes: { ...me, 'GET /v1/orders': 'network' } })
    expect(await screen.findByText('서버에 연결할 수 없어요. 인터넷 연결을 확인하고 다시 시도해 주세요.')).toBeTruthy()
  })
})

describe('tracking screen', () => {
  it('shows the carrier, status and events of a parcel', async () => {
    await renderWithShop(<TrackingScreen trackingNumber="123456789012" />, {
      routes: {
        'GET /v1/shipments/tracking/:n': {
          body: { trackingNumber: '123456789012', carrier: 'CJ', status: 'IN_TRANSIT', events: [{ status: 'DISPATCHED', at: '2026-12-04T05:05:00.000Z', location: '서울 허브' }] },
        },
      },
    })
    expect(await screen.findByText('CJ대한통운')).toBeTruthy()
    expect(screen.getByText('배송 중')).toBeTruthy()
    expect(screen.getByText('발송됨 · 2026년 12월 4일 14:05 · 서울 허브')).toBeTruthy()
  })

  it('an unknown tracking number says nothing was found', async () => {
    await renderWithShop(<TrackingScreen trackingNumber="000" />, { routes: { 'GET /v1/shipments/tracking/:n': problem('not_found', 404) } })
    expect(await screen.findByText('해당 송장 번호의 배송 정보를 찾을 수 없습니다.')).toBeTruthy()
  })
})
