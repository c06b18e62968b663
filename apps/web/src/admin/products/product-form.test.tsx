// @vitest-environment jsdom
import type { Category } from '@shop/client'
import { cleanup, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ProductForm } from './product-form.tsx'
import { emptyProduct, type ProductFormValues, toInput } from './validate.ts'

const categories: Category[] = [
  { id: '11111111-1111-4111-8111-111111111111', name: '디지털', slug: 'digital', parentId: null },
  { id: '22222222-2222-4222-8222-222222222222', name: '음향기기', slug: 'audio', parentId: '11111111-1111-4111-8111-111111111111' },
]

function setup(initial: ProductFormValues = emptyProduct()) {
  const onSubmit = vi.fn()
  const user = userEvent.setup()
  render(<ProductForm initial={initial} categories={categories} onSubmit={onSubmit} pending={false} />)
  return { onSubmit, user }
}

afterEach(cleanup)

describe('the product form', () => {
  it('when saved empty, nothing is sent, every required field says so in Korean and the first one gets the focus', async () => {
    const { onSubmit, user } = setup()
    await user.click(screen.getByRole('button', { name: '저장' }))
    expect(onSubmit).not.toHaveBeenCalled()
    expect(screen.getByRole('alert').textContent).toContain('4개의 문제')
    const name = screen.getByRole('textbox', { name: '상품명' })
    expect(name.getAttribute('aria-invalid')).toBe('true')
    expect(document.getElementById(name.getAttribute('aria-describedby')!.split(' ').pop()!)?.textContent).toBe('필수 입력 항목입니다.')
    expect(screen.getByRole('combobox', { name: '카테고리' }).getAttribute('aria-invalid')).toBe('true')
    await waitFor(() => expect(document.activeElement).toBe(name))
  })

  it('a price with decimals, a negative stock, a SKU with spaces and an image that is not a web address are refused', async () => {
    const { onSubmit, user } = setup()
    await user.type(screen.getByRole('textbox', { name: '상품명' }), '무선이어폰 라이트')
    await user.type(screen.getByRole('textbox', { name: 'SKU' }), 'AUD 9')
    await user.type(screen.getByRole('textbox', { name: '가격' }), '19900.5')
    await user.clear(screen.getByRole('textbox', { name: '재고' }))
    await user.type(screen.getByRole('textbox', { name: '재고' }), '-3')
    await user.selectOptions(screen.getByRole('combobox', { name: '카테고리' }), '디지털 › 음향기기')
    await user.type(screen.getByRole('textbox', { name: '이미지 1 URL' }), 'javascript:alert(1)')
    await user.click(screen.getByRole('button', { name: '저장' }))
    expect(onSubmit).not.toHaveBeenCalled()
    const invalid = screen.getAllByRole('textbox').filter((el) => el.getAttribute('aria-invalid') === 'true')
    expect(invalid.map((el) => el.getAttribute('id') && document.querySelector(`label[for="${el.id}"]`)?.textContent)).toEqual(['SKU', '가격', '재고', '이미지 1 URL'])
    expect(screen.queryByRole('img', { name: '이미지 1 미리보기' })).toBeNull()
  })

  it('two attributes with the same name are refused on the second', async () => {
    const { onSubmit, user } = setup({ ...emptyProduct(), name: 'a', sku: 'A-1', price: '1000', categoryId: categories[0].id })
    await user.click(screen.getByRole('button', { name: '속성 추가' }))
    await user.click(screen.getByRole('button', { name: '속성 추가' }))
    await user.type(screen.getByRole('textbox', { name: '속성 1 이름' }), '색상')
    await user.type(screen.getByRole('textbox', { name: '속성 2 이름' }), '색상')
    await user.click(screen.getByRole('button', { name: '저장' }))
    expect(onSubmit).not.toHaveBeenCalled()
    expect(screen.getByRole('textbox', { name: '속성 2 이름' }).getAttribute('aria-invalid')).toBe('true')
    expect(screen.getByRole('textbox', { name: '속성 1 이름' }).getAttribute('aria-invalid')).toBeNull()
  })

  it('a valid product is sent as the API takes it: whole won, attributes as an object, empty image rows dropped, and the image previewed', async () => {
    const { onSubmit, user } = setup()
    await user.type(screen.getByRole('textbox', { name: '상품명' }), '무선이어폰 라이트')
    await user.type(screen.getByRole('textbox', { name: 'SKU' }), 'AUD-900')
    await user.type(screen.getByRole('textbox', { name: '가격' }), '19,900')
    await user.clear(screen.getByRole('textbox', { name: '재고' }))
    await user.type(screen.getByRole('textbox', { name: '재고' }), '12')
    await user.type(screen.getByRole('textbox', { name: '설명' }), '가볍고 오래가는 이어폰')
    await user.selectOptions(screen.getByRole('combobox', { name: '카테고리' }), '디지털 › 음향기기')
    await user.click(screen.getByRole('button', { name: '속성 추가' }))
    await user.type(screen.getByRole('textbox', { name: '속성 1 이름' }), '색상')
    await user.type(screen.getByRole('textbox', { name: '속성 1 값' }), '흰색')
    await user.type(screen.getByRole('textbox', { name: '이미지 1 URL' }), '/demo/DEMO-AUD-004.svg')
    await user.click(screen.getByRole('button', { name: '이미지 추가' }))
    expect(screen.getByRole('img', { name: '이미지 1 미리보기' }).getAttribute('src')).toBe('/demo/DEMO-AUD-004.svg')
    await user.click(screen.getByRole('button', { name: '저장' }))
    expect(onSubmit).toHaveBeenCalledTimes(1)
    expect(toInput(onSubmit.mock.calls[0][0])).toEqual({
      name: '무선이어폰 라이트',
      sku: 'AUD-900',
      price: 19_900,
      stock: 12,
      description: '가볍고 오래가는 이어폰',
      categoryId: categories[1].id,
      attributes: { 색상: '흰색' },
      images: ['/demo/DEMO-AUD-004.svg'],
    })
  })

  it('after a refused save, fixing a field clears its message as the person types', async () => {
    const { user } = setup()
    await user.click(screen.getByRole('button', { name: '저장' }))
    const name = screen.getByRole('textbox', { name: '상품명' })
    expect(name.getAttribute('aria-invalid')).toBe('true')
    await user.type(name, '새 상품')
    expect(name.getAttribute('aria-invalid')).toBeNull()
  })
})
