import type { ShopClient } from '@shop/client'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Shop } from '../../../test/e2e/shop.ts'
import { DESKTOP, expectAccessible, launchBrowser, newContext, PHONE, watchErrors } from './browser.ts'
import { startDemoShop, uniqueEmail } from './shop-fixture.ts'

let shop: Shop
let admin: ShopClient
let browser: Browser

beforeAll(async () => {
  ;({ shop, admin } = await startDemoShop())
  browser = await launchBrowser()
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await shop?.stop()
})

const cardNames = (page: Page) => page.locator('.product-card-name').allTextContents()
const cardPrices = async (page: Page) => (await page.locator('.product-card-price').allTextContents()).map((t) => Number(t.replace(/[^0-9]/g, '')))

describe('finding products', () => {
  it('a listing shows more pages by cursor without repeating a product, and its facets count by category', async () => {
    const ctx = await newContext(browser, DESKTOP)
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    try {
      await page.goto(`${shop.gatewayUrl}/search?sort=newest`)
      await expect.poll(async () => (await cardNames(page)).length).toBe(24)
      await page.getByRole('button', { name: '더 보기' }).click()
      await expect.poll(async () => (await cardNames(page)).length).toBe(48)
      const ids = await page.locator('.product-card-link').evaluateAll((as) => as.map((a) => a.getAttribute('href')))
      expect(new Set(ids).size).toBe(48)
      expect(await page.getByRole('button', { name: '더 보기' }).count()).toBe(0)
      const all = (await admin.products.list({ limit: 100 })).items
      expect(new Set(ids)).toEqual(new Set(all.map((p) => `/products/${p.id}`)))
      // facets: each category's count as the API counts it
      const facets = page.getByRole('navigation', { name: '카테고리별' })
      const counts = await facets.getByRole('link').allTextContents()
      const total = counts.reduce((n, t) => n + Number(t.match(/\((\d+)\)/)![1]), 0)
      expect(total).toBe(48)
      await expectAccessible(page, 'listing')
      expect(errors).toEqual([])
    } finally {
      await ctx.close()
    }
  })

  it('filters and sorts: in stock only hides 품절, lowest price first is ascending, a price range holds, a facet narrows to its category', async () => {
    const ctx = await newContext(browser, PHONE)
    const page = await ctx.newPage()
    try {
      await page.goto(`${shop.gatewayUrl}/search?sort=newest`)
      await expect.poll(async () => (await cardNames(page)).length).toBe(24)
      expect(await page.locator('.sold-out-tag').count()).toBeGreaterThan(0)
      await page.getByRole('checkbox', { name: '재고 있는 상품만' }).check()
      await page.waitForURL(/inStock=1/)
      await expect.poll(() => page.locator('.sold-out-tag').count()).toBe(0)
      await page.getByRole('combobox', { name: '정렬' }).selectOption({ label: '낮은 가격순' })
      await page.waitForURL(/sort=price_asc/)
      await expect.poll(async () => {
        const prices = await cardPrices(page)
        return prices.length > 1 && prices.every((p, i) => i === 0 || prices[i - 1] <= p)
      }).toBe(true)
      await page.getByRole('textbox', { name: '최소 가격' }).fill('30000')
      await page.getByRole('textbox', { name: '최대 가격' }).fill('60000')
      await page.getByRole('button', { name: '적용' }).click()
      await page.waitForURL(/minPrice=30000/)
      await expect.poll(async () => {
        const prices = await cardPrices(page)
        return prices.length > 0 && prices.every((p) => p >= 30_000 && p <= 60_000)
      }).toBe(true)
      const cats = (await admin.categories.list()).items
      await page.goto(`${shop.gatewayUrl}/search?q=${encodeURIComponent('이어폰')}`)
      const facet = page.getByRole('navigation', { name: '카테고리별' }).getByRole('link').first()
      const facetName = (await facet.textContent())!.replace(/\s*\(\d+\)$/, '')
      await facet.click()
      await page.waitForURL(/category=/)
      const slug = new URL(page.url()).searchParams.get('category')
      expect(cats.find((c) => c.slug === slug)?.name).toBe(facetName)
      await expectAccessible(page, 'filtered listing')
    } finally {
      await ctx.close()
    }
  })
})

describe('suggestions as you type', () => {
  it('a part of a word suggests matching products; arrows and Enter open one, Escape closes them', async () => {
    const ctx = await newContext(browser, PHONE)
    const page = await ctx.newPage()
    try {
      await page.goto(`${shop.gatewayUrl}/`)
      const box = page.getByRole('searchbox', { name: '상품 검색' })
      await box.click()
      await box.pressSequentially('이어', { delay: 30 })
      const list = page.getByRole('listbox', { name: '추천 상품' })
      await expect.poll(() => list.getByRole('option').count()).toBeGreaterThan(0)
      const names = await list.getByRole('option').locator('.suggestion-name').allTextContents()
      expect(names.every((n) => n.includes('이어'))).toBe(true)
      await expectAccessible(page, 'suggestions open')
      await box.press('Escape')
      await expect.poll(() => list.isVisible()).toBe(false)
      await box.pressSequentially('폰', { delay: 30 })
      await expect.poll(() => list.getByRole('option').count()).toBeGreaterThan(0)
      await box.press('ArrowDown')
      expect(await box.getAttribute('aria-activedescendant')).toBeTruthy()
      const first = (await list.getByRole('option').first().locator('.suggestion-name').textContent())!
      await box.press('Enter')
      await page.waitForURL(/\/products\//)
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(first)
    } finally {
      await ctx.close()
    }
  })
})

describe('a server-rendered page in the browser', () => {
  it('is used as it came: the browser asks the API for neither its product nor the categories again, and the page works', async () => {
    const ctx = await newContext(browser, PHONE)
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    try {
      const p = (await admin.products.list({ inStock: true, limit: 1, sort: 'price_asc' })).items[0]
      const asked: string[] = []
      page.on('request', (req) => {
        const path = new URL(req.url()).pathname
        if (path === `/v1/products/${p.id}` || path === '/v1/categories') asked.push(path)
      })
      await page.goto(`${shop.gatewayUrl}/products/${p.id}`)
      // hydrated: the button is React's, and it puts the product in the cart
      await page.getByRole('button', { name: '장바구니 담기' }).click()
      await expect.poll(() => page.getByRole('link', { name: /장바구니/ }).first().textContent()).toMatch(/1/)
      expect(asked).toEqual([])
      expect(errors).toEqual([])
    } finally {
      await ctx.close()
    }
  })
})

describe('the cart', () => {
  it('is kept across reloads, follows the shopper into their account and stays theirs after signing out', async () => {
    const ctx = await newContext(browser, PHONE)
    const page = await ctx.newPage()
    try {
      const p = (await admin.products.list({ inStock: true, limit: 1, sort: 'price_desc' })).items[0]
      await page.goto(`${shop.gatewayUrl}/products/${p.id}`)
      await page.getByRole('button', { name: '장바구니 담기' }).click()
      await page.reload()
      await expect.poll(() => page.getByRole('link', { name: /장바구니/ }).first().textContent()).toMatch(/1/)
      await page.goto(`${shop.gatewayUrl}/cart`)
      await expect.poll(() => page.getByRole('link', { name: p.name }).count()).toBe(1)
      // a price above the free-shipping threshold ships free
      await expect.poll(() => page.getByText('무료', { exact: true }).count()).toBeGreaterThan(0)

      const email = uniqueEmail('cart')
      await page.goto(`${shop.gatewayUrl}/signup?next=%2Fcart`)
      await page.getByRole('textbox', { name: '이메일' }).fill(email)
      await page.getByRole('textbox', { name: '이름' }).fill('박서준')
      await page.getByLabel('비밀번호').fill('seojun-cart-2026')
      await page.getByRole('button', { name: '가입하기' }).click()
      await page.waitForURL(/\/cart$/)
      await expect.poll(() => page.getByRole('link', { name: p.name }).count()).toBe(1)

      await page.getByRole('button', { name: '로그아웃' }).click()
      await page.goto(`${shop.gatewayUrl}/cart`)
      await expect.poll(() => page.getByText('장바구니가 비어 있습니다.').count()).toBe(1)

      await page.goto(`${shop.gatewayUrl}/login`)
      await page.getByRole('textbox', { name: '이메일' }).fill(email)
      await page.getByLabel('비밀번호').fill('seojun-cart-2026')
      await page.getByRole('button', { name: '로그인' }).click()
      await page.waitForURL((u) => u.pathname === '/')
      await page.goto(`${shop.gatewayUrl}/cart`)
      await expect.poll(() => page.getByRole('link', { name: p.name }).count()).toBe(1)
      await page.getByRole('button', { name: '삭제' }).click()
      await expect.poll(() => page.getByText('장바구니가 비어 있습니다.').count()).toBe(1)
    } finally {
      await ctx.close()
    }
  })

  it('the fee preview shows the remote-island surcharge for its postal code and how much more ships free', async () => {
    const ctx = await newContext(browser, DESKTOP)
    const page = await ctx.newPage()
    try {
      const cheap = (await admin.products.list({ inStock: true, limit: 1, sort: 'price_asc' })).items[0]
      await page.goto(`${shop.gatewayUrl}/products/${cheap.id}`)
      await page.getByRole('button', { name: '장바구니 담기' }).click()
      await page.goto(`${shop.gatewayUrl}/cart`)
      await expect.poll(() => page.getByText(/더 담으면 무료배송/).count()).toBe(1)
      await page.getByRole('textbox', { name: '배송지 우편번호' }).fill('23008')
      await expect.poll(() => page.getByText('도서산간 추가 배송비').count()).toBe(1)
      const quote = await admin.shipping.quote(cheap.price, '23008')
      await expect.poll(() => page.locator('.summary-total dd').last().textContent()).toBe(`${(cheap.price + quote.fee).toLocaleString('en-US')}원`)
      await expectAccessible(page, 'cart with a remote-island fee')
    } finally {
      await ctx.close()
    }
  })
})
