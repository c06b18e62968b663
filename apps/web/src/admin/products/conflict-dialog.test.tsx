// @vitest-environment jsdom
import type { Category, Product } from '@shop/client'
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ConflictDialog } from './conflict-dialog.tsx'
import { fromProduct } from './validate.ts'

const categories: Category[] = [
  { id: '11111111-1111-4111-8111-111111111111', name: '음향기기', slug: 'audio', parentId: null },
  { id: '22222222-2222-4222-8222-222222222222', name: '생활용품', slug: 'living', parentId: null },
]
const saved: Product = {
  id: '33333333-3333-4333-8333-333333333333',
  sku: 'AUD-001',
  name: '무선이어폰 프로',
  description: '노이즈 캔슬링',
  price: 129_000,
  currency: 'KRW',
  categoryId: categories[0].id,
  attributes: {},
  images: [],
  stock: { available: 7 },
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  version: 2,
}

function setup(theirs: Product | null) {
  const mine = { ...fromProduct(saved), price: '99000', categoryId: categories[1].id }
  const handlers = { onReload: vi.fn(), onOverwrite: vi.fn(), onClose: vi.fn() }
  render(<ConflictDialog mine={mine} theirs={theirs} categories={categories} overwriting={false} {...handlers} />)
  return { ...handlers, user: userEvent.setup() }
}

afterEach(cleanup)

describe('the edit-conflict dialog', () => {
  it('shows, field by field, what I meant to save next to what the other admin saved, with category names', () => {
    setup({ ...saved, name: '무선이어폰 프로 2세대', version: 3 })
    const dialog = screen.getByRole('dialog', { name: '다른 사람이 먼저 이 상품을 저장했어요' })
    expect(within(dialog).getByRole('columnheader', { name: '지금 저장된 내용 (버전 3)' })).toBeTruthy()
    const rows = within(dialog)
      .getAllByRole('row')
      .slice(1)
      .map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent))
    expect(rows).toEqual([
      ['상품명', '무선이어폰 프로', '무선이어폰 프로 2세대'],
      ['가격', '99000', '129000'],
      ['카테고리', '생활용품', '음향기기'],
    ])
  })

  it('offers reloading first (it has the focus) and overwriting only as a separate choice', async () => {
    const { onReload, onOverwrite, user } = setup({ ...saved, version: 3 })
    const reload = screen.getByRole('button', { name: '최신 내용 다시 불러오기' })
    expect(document.activeElement).toBe(reload)
    await user.keyboard('{Enter}')
    expect(onReload).toHaveBeenCalledTimes(1)
    expect(onOverwrite).not.toHaveBeenCalled()
    await user.click(screen.getByRole('button', { name: '내 변경으로 덮어쓰기' }))
    expect(onOverwrite).toHaveBeenCalledTimes(1)
  })

  it('while the saved version is being read, neither choice can be made yet', () => {
    setup(null)
    expect(screen.getByRole('status').textContent).toContain('지금 저장된 내용을 불러오는 중')
    expect(screen.getByRole('button', { name: '최신 내용 다시 불러오기' }).hasAttribute('disabled')).toBe(true)
    expect(screen.getByRole('button', { name: '내 변경으로 덮어쓰기' }).hasAttribute('disabled')).toBe(true)
  })

  it('Escape closes it, and Tab stays inside it', async () => {
    const { onClose, user } = setup({ ...saved, version: 3 })
    await user.tab()
    expect(document.activeElement?.textContent).toBe('내 변경으로 덮어쓰기')
    await user.tab()
    expect(document.activeElement?.textContent).toBe('최신 내용 다시 불러오기')
    await user.keyboard('{Escape}')
    expect(onClose).toHaveBeenCalledTimes(1)
  })
})
