// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { Suspense, use } from 'react'
import { hydrateRoot } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { MemoryRouter, useNavigate, useSearchParams } from 'react-router'
import { afterEach, describe, expect, it } from 'vitest'
import { Filters } from './listing-page.tsx'

afterEach(cleanup)

// A navigation that never finishes rendering: the page under the new URL waits for data forever.
const never = new Promise<never>(() => {})

function Listing({ holdOn }: { holdOn?: string }) {
  const [params, setParams] = useSearchParams()
  const navigate = useNavigate()
  if (holdOn && params.has(holdOn)) use(never)
  return (
    <>
      <Filters params={params} onChange={(next) => setParams(next)} />
      <button type="button" onClick={() => navigate(-1)}>
        뒤로
      </button>
      <output>{params.toString()}</output>
    </>
  )
}

function page(holdOn?: string, path = '/search') {
  return (
    <MemoryRouter initialEntries={[path]}>
      <Suspense fallback={<p>불러오는 중</p>}>
        <Listing holdOn={holdOn} />
      </Suspense>
    </MemoryRouter>
  )
}

describe('listing filters', () => {
  it('a tick and a sort show at once, while the navigation they start is still rendering', async () => {
    const user = userEvent.setup()
    render(page('inStock'))
    const box = screen.getByRole('checkbox', { name: '재고 있는 상품만' })
    await user.click(box)
    expect((box as HTMLInputElement).checked).toBe(true)
    // the held navigation kept the old page (no fallback), and the box did not spring back
    expect(screen.queryByText('불러오는 중')).toBeNull()
    expect(screen.getByRole('status').textContent).toBe('')
  })

  it('a sort chosen shows at once too', async () => {
    const user = userEvent.setup()
    render(page('sort'))
    const sort = screen.getByRole('combobox', { name: '정렬' })
    await user.selectOptions(sort, '낮은 가격순')
    expect(sort).toHaveProperty('value', 'price_asc')
    expect(screen.getByRole('status').textContent).toBe('')
  })

  it('follows the URL: a finished navigation keeps the tick, going back clears it', async () => {
    const user = userEvent.setup()
    render(page())
    const box = screen.getByRole('checkbox', { name: '재고 있는 상품만' })
    await user.click(box)
    await screen.findByText('inStock=1')
    expect((box as HTMLInputElement).checked).toBe(true)
    await user.selectOptions(screen.getByRole('combobox', { name: '정렬' }), '낮은 가격순')
    await screen.findByText('inStock=1&sort=price_asc')
    await user.click(screen.getByRole('button', { name: '뒤로' }))
    await screen.findByText('inStock=1')
    expect(screen.getByRole('combobox', { name: '정렬' })).toHaveProperty('value', 'relevance')
    await user.click(screen.getByRole('button', { name: '뒤로' }))
    await act(async () => {})
    expect(screen.getByRole('status').textContent).toBe('')
    expect((box as HTMLInputElement).checked).toBe(false)
  })

  it('a tick made on the server-rendered page before its script ran is applied once it hydrates', async () => {
    const container = document.createElement('div')
    container.innerHTML = renderToString(page())
    document.body.appendChild(container)
    const box = container.querySelector<HTMLInputElement>('input[type=checkbox]')!
    expect(box.checked).toBe(false)
    box.checked = true // the shopper's click, with no React listening yet
    const root = await act(async () => hydrateRoot(container, page()))
    try {
      await screen.findByText('inStock=1')
      expect(box.checked).toBe(true)
    } finally {
      act(() => root.unmount())
      container.remove()
    }
  })
})
