import type { Product } from '@shop/client'
import { describe, expect, it } from 'vitest'
import { diffProduct, fromProduct, toUpdate } from './validate.ts'

const product: Product = {
  id: '33333333-3333-4333-8333-333333333333',
  sku: 'AUD-001',
  name: '무선이어폰 프로',
  description: '노이즈 캔슬링',
  price: 129_000,
  currency: 'KRW',
  categoryId: '22222222-2222-4222-8222-222222222222',
  attributes: { 색상: '검정', 무게: 5 },
  images: ['/demo/DEMO-AUD-001.svg'],
  stock: { available: 7 },
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  version: 3,
}

describe('product edits', () => {
  it('an update leaves stock out unless it was changed (the form shows available, not on hand)', () => {
    const initial = fromProduct(product)
    expect(toUpdate({ ...initial, price: '119000' }, initial)).not.toHaveProperty('stock')
    expect(toUpdate({ ...initial, stock: '20' }, initial)).toMatchObject({ stock: 20 })
  })

  it('non-text attributes stay readable in the form', () => {
    expect(fromProduct(product).attributes).toEqual([
      { key: '색상', value: '검정' },
      { key: '무게', value: '5' },
    ])
  })

  it('the conflict diff lists only the fields that differ', () => {
    const mine = { ...fromProduct(product), price: '99000' }
    const theirs = fromProduct({ ...product, name: '무선이어폰 프로 2', version: 4 })
    expect(diffProduct(mine, theirs)).toEqual([
      { field: 'name', mine: '무선이어폰 프로', theirs: '무선이어폰 프로 2' },
      { field: 'price', mine: '99000', theirs: '129000' },
    ])
  })
})
