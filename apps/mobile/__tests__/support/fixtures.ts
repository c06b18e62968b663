export const earphones = {
  id: '11111111-1111-4111-8111-111111111111',
  sku: 'EAR-1',
  name: '무선 이어폰 프로',
  description: '노이즈 캔슬링 무선 이어폰',
  price: 89_000,
  currency: 'KRW' as const,
  categoryId: 'c0000000-0000-4000-8000-000000000001',
  images: ['/demo/EAR-1.svg'],
  attributes: { 색상: '화이트', 무게: '5g' },
  stock: { available: 7 },
  createdAt: '2026-12-01T01:00:00.000Z',
  updatedAt: '2026-12-01T01:00:00.000Z',
  version: 1,
}

export const tumbler = { ...earphones, id: '22222222-2222-4222-8222-222222222222', sku: 'TUM-1', name: '보온 텀블러', price: 12_900, images: [], attributes: {}, stock: { available: 0 } }

export const categories = {
  items: [
    { id: 'c0000000-0000-4000-8000-000000000001', name: '디지털', slug: 'digital', parentId: null },
    { id: 'c0000000-0000-4000-8000-000000000002', name: '주방', slug: 'kitchen', parentId: null },
  ],
}

export const profile = {
  id: 'u0000000-0000-4000-8000-000000000001',
  email: 'haneul@shop.test',
  name: '김하늘',
  phone: '010-2345-6789',
  roles: ['customer'],
  addresses: [] as unknown[],
  createdAt: '2026-12-01T01:00:00.000Z',
}

export const methods = {
  provider: 'simulator',
  methods: ['card', 'transfer', 'easy_pay'],
  testCards: [
    { number: '4242424242424242', paymentToken: 'tok_success', outcome: 'approved' },
    { number: '4000000000000002', paymentToken: 'tok_declined', outcome: 'card_declined' },
    { number: '4000000000009995', paymentToken: 'tok_insufficient_funds', outcome: 'insufficient_funds' },
  ],
}

export const quote = (fee = 3000, breakdown: unknown[] = [{ kind: 'base', amount: 3000 }]) => ({ fee, currency: 'KRW', breakdown, freeFrom: 50_000 })

export function order(status = 'PENDING_PAYMENT', extra: Record<string, unknown> = {}) {
  return {
    id: '0a000000-0000-4000-8000-000000000001',
    userId: profile.id,
    status,
    items: [{ productId: earphones.id, name: earphones.name, unitPrice: 89_000, quantity: 1, lineTotal: 89_000 }],
    subtotal: 89_000,
    shippingFee: 0,
    total: 89_000,
    currency: 'KRW',
    shippingAddress: { recipient: '김하늘', phone: '010-2345-6789', postalCode: '04524', address1: '서울특별시 중구 세종대로 110' },
    history: [],
    createdAt: '2026-12-04T05:05:00.000Z',
    updatedAt: '2026-12-04T05:05:00.000Z',
    expiresAt: '2026-12-04T05:35:00.000Z',
    ...extra,
  }
}
