import { createShopClient, type ShopClient } from '@shop/client'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Shop } from '../../../test/e2e/shop.ts'
import { arrowToOption, signIn, tabTo, until } from './admin-helpers.ts'
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

describe('the admin console: access and the catalogue', () => {
  it('a shopper never loads the console; a signed-out visitor is asked to sign in, and a customer is refused at /admin in Korean', async () => {
    const ctx = await newContext(browser, PHONE)
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    try {
      // a shopper's pages never fetch the console's code
      const scripts: string[] = []
      page.on('request', (r) => r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname))
      await page.goto(`${shop.gatewayUrl}/`)
      await until(() => page.getByRole('searchbox', { name: '상품 검색' }).count()).toBe(1)
      await page.goto(`${shop.gatewayUrl}/products/${(await admin.products.list({ limit: 1 })).items[0].id}`)
      await until(() => page.getByRole('button', { name: '장바구니 담기' }).count()).toBe(1)
      expect(scripts.length).toBeGreaterThan(0)
      expect(scripts.filter((s) => /admin|sales-chart/.test(s))).toEqual([])

      await page.goto(`${shop.gatewayUrl}/admin/products`)
      await until(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('관리자 로그인이 필요해요')
      await expectAccessible(page, 'admin sign-in gate')
      expect(await page.getByRole('link', { name: '로그인하기' }).getAttribute('href')).toBe('/login?next=%2Fadmin%2Fproducts')

      const customer = { email: uniqueEmail('customer'), password: 'customer-2026-secret' }
      await page.goto(`${shop.gatewayUrl}/signup`)
      await page.getByRole('textbox', { name: '이메일' }).fill(customer.email)
      await page.getByRole('textbox', { name: '이름' }).fill('이고객')
      await page.getByLabel('비밀번호').fill(customer.password)
      await page.getByRole('button', { name: '가입하기' }).click()
      await page.waitForURL((u) => u.pathname === '/')
      await page.goto(`${shop.gatewayUrl}/admin`)
      await until(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('접근 권한이 없어요')
      expect(await page.getByRole('navigation', { name: '관리자 메뉴' }).count()).toBe(0)
      await expectAccessible(page, 'admin no-access page')
      expect(errors).toEqual([])
    } finally {
      await ctx.close()
    }
  })

  it('keyboard only: an admin adds a category and a product with an image URL, and a shopper finds it in the storefront search', async () => {
    const ctx = await newContext(browser, DESKTOP)
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    const tag = Date.now().toString(36)
    const categoryName = `키보드 소품 ${tag}`
    const productName = `키보드전용 무드등 ${tag}`
    try {
      await signIn(page, shop.gatewayUrl, shop.admin)
      await until(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('대시보드')
      await expectAccessible(page, 'dashboard')

      await tabTo(page, '카테고리')
      await page.keyboard.press('Enter')
      await page.waitForURL((u) => u.pathname === '/admin/categories')
      await until(() => page.locator('.admin-tree').first().textContent()).toContain('음향기기')
      await expectAccessible(page, 'categories')
      await tabTo(page, '카테고리 이름')
      await page.keyboard.type(categoryName)
      await tabTo(page, '주소용 이름 (slug)')
      await page.keyboard.type(`mood-${tag}`)
      await tabTo(page, '상위 카테고리')
      await arrowToOption(page, '주방·생활')
      await tabTo(page, '카테고리 추가')
      await page.keyboard.press('Enter')
      await until(() => page.getByRole('status').filter({ hasText: '추가했습니다' }).count()).toBe(1)
      await until(() => page.locator('.admin-tree').first().textContent()).toContain(categoryName)

      await tabTo(page, '상품')
      await page.keyboard.press('Enter')
      await page.waitForURL((u) => u.pathname === '/admin/products')
      await until(() => page.getByRole('table', { name: '상품 목록' }).count()).toBe(1)
      await expectAccessible(page, 'products')
      await tabTo(page, '상품 등록')
      await page.keyboard.press('Enter')
      await page.waitForURL((u) => u.pathname === '/admin/products/new')
      await until(() => page.getByRole('combobox', { name: '카테고리' }).locator('option').count()).toBeGreaterThan(2)

      // saved empty first: the form says what is missing and puts the focus on it
      await tabTo(page, '저장')
      await page.keyboard.press('Enter')
      await until(() => page.getByRole('alert').first().textContent()).toContain('문제가 있어요')
      await until(() => page.evaluate(() => (document.activeElement as HTMLInputElement).labels?.[0]?.textContent)).toBe('상품명')
      await expectAccessible(page, 'product form with errors')
      await page.keyboard.type(productName)
      await tabTo(page, 'SKU')
      await page.keyboard.type(`KB-${tag}`.toUpperCase())
      await tabTo(page, '가격')
      await page.keyboard.type('24900')
      await tabTo(page, '재고')
      await page.keyboard.press('Control+A')
      await page.keyboard.type('15')
      await tabTo(page, '카테고리')
      await arrowToOption(page, `주방·생활 › ${categoryName}`)
      await tabTo(page, '설명')
      await page.keyboard.type('은은한 빛의 무드등, 키보드만으로 등록했어요.')
      await tabTo(page, '속성 추가')
      await page.keyboard.press('Enter')
      await tabTo(page, '속성 1 이름')
      await page.keyboard.type('색상')
      await tabTo(page, '속성 1 값')
      await page.keyboard.type('웜화이트')
      await tabTo(page, '이미지 1 URL')
      await page.keyboard.type('/demo/DEMO-KIT-001.svg')
      await until(() => page.getByRole('img', { name: '이미지 1 미리보기' }).evaluate((img: HTMLImageElement) => img.decode().then(() => true, () => false))).toBe(true)
      await tabTo(page, '저장')
      await page.keyboard.press('Enter')
      await page.waitForURL((u) => /^\/admin\/products\/[0-9a-f-]{36}$/.test(u.pathname))
      await until(() => page.getByRole('status').filter({ hasText: '상품을 등록했습니다' }).count()).toBe(1)
      await expectAccessible(page, 'product editor')
      const id = new URL(page.url()).pathname.split('/').pop()!
      const saved = await admin.products.get(id)
      expect(saved).toMatchObject({ name: productName, price: 24_900, stock: { available: 15 }, attributes: { 색상: '웜화이트' }, images: ['/demo/DEMO-KIT-001.svg'] })
      expect(errors).toEqual([])
    } finally {
      await ctx.close()
    }

    const shopper = await newContext(browser, PHONE)
    const sp = await shopper.newPage()
    try {
      await sp.goto(`${shop.gatewayUrl}/`)
      await sp.getByRole('searchbox', { name: '상품 검색' }).fill('무드등')
      await sp.getByRole('searchbox', { name: '상품 검색' }).press('Enter')
      await sp.waitForURL(/\/search\?q=/)
      await until(() => sp.getByRole('link').filter({ hasText: productName }).count()).toBe(1)
      await sp.getByRole('link').filter({ hasText: productName }).click()
      await until(() => sp.getByRole('heading', { level: 1 }).textContent()).toBe(productName)
      expect(await sp.getByText('24,900원').count()).toBeGreaterThan(0)
    } finally {
      await shopper.close()
    }
  })

  it('two admins edit the same product: the second gets the conflict dialog with both versions and reloads, nothing is overwritten', async () => {
    const second = { email: uniqueEmail('admin2'), password: 'second-admin-2026' }
    // registered with a client of its own: registering signs that client in
    const other = createShopClient({ baseUrl: shop.gatewayUrl })
    await other.auth.register({ email: second.email, password: second.password, name: '박관리' })
    await admin.users.setRoles((await other.auth.profile()).id, ['customer', 'admin'])
    const product = (await admin.products.list({ q: '이어폰', limit: 1 })).items[0]

    const ctxA = await newContext(browser, DESKTOP)
    const ctxB = await newContext(browser, PHONE)
    const a = await ctxA.newPage()
    const b = await ctxB.newPage()
    const errors = [...watchErrors(a), ...watchErrors(b)]
    try {
      await signIn(a, shop.gatewayUrl, shop.admin, `/admin/products/${product.id}`)
      await signIn(b, shop.gatewayUrl, second, `/admin/products/${product.id}`)
      for (const p of [a, b]) await until(() => p.getByRole('textbox', { name: '상품명' }).inputValue()).toBe(product.name)

      await a.getByRole('textbox', { name: '가격' }).fill('77000')
      await a.getByRole('button', { name: '저장' }).click()
      await until(() => a.getByRole('status').filter({ hasText: '저장했습니다' }).count()).toBe(1)

      await b.getByRole('textbox', { name: '상품명' }).fill(`${product.name} (B 수정)`)
      await b.getByRole('button', { name: '저장' }).click()
      const dialog = b.getByRole('dialog', { name: '다른 사람이 먼저 이 상품을 저장했어요' })
      await until(() => dialog.getByRole('row').count()).toBe(3)
      expect(await dialog.getByRole('row', { name: /가격/ }).textContent()).toContain('77000')
      expect(await dialog.getByRole('row', { name: /상품명/ }).textContent()).toContain('(B 수정)')
      await expectAccessible(b, 'conflict dialog')
      await dialog.getByRole('button', { name: '최신 내용 다시 불러오기' }).click()
      await until(() => b.getByRole('dialog').count()).toBe(0)
      expect(await b.getByRole('textbox', { name: '가격' }).inputValue()).toBe('77000')
      expect(await b.getByRole('textbox', { name: '상품명' }).inputValue()).toBe(product.name)
      const now = await admin.products.get(product.id)
      expect(now).toMatchObject({ name: product.name, price: 77_000 })
      expect(errors).toEqual([])
    } finally {
      await ctxA.close()
      await ctxB.close()
    }
  })

  it('an admin renames a category and moves it under another parent; it cannot go under its own sub-category, and the storefront follows', async () => {
    const cats = (await admin.categories.list()).items
    const parent = cats.find((c) => !c.parentId && cats.some((x) => x.parentId === c.id))!
    const child = cats.find((c) => c.parentId === parent.id)!
    const target = cats.find((c) => !c.parentId && c.id !== parent.id)!
    const ctx = await newContext(browser, DESKTOP)
    const page = await ctx.newPage()
    try {
      await signIn(page, shop.gatewayUrl, shop.admin, '/admin/categories')
      await page.getByRole('button', { name: `${parent.name} 수정` }).click()
      const form = page.getByRole('form', { name: `${parent.name} 수정` })
      // its own sub-category is not offered as a new parent
      const offered = await form.getByRole('combobox', { name: '상위 카테고리' }).locator('option').allTextContents()
      expect(offered.some((o) => o.includes(child.name))).toBe(false)
      await expectAccessible(page, 'category editor')
      await form.getByRole('button', { name: '취소' }).click()

      await page.getByRole('button', { name: `${child.name} 수정` }).click()
      const edit = page.getByRole('form', { name: `${child.name} 수정` })
      await edit.getByRole('textbox', { name: '카테고리 이름' }).fill(`${child.name} 모음`)
      await edit.getByRole('combobox', { name: '상위 카테고리' }).selectOption({ label: target.name })
      await edit.getByRole('button', { name: '저장' }).click()
      await until(() => page.locator('.admin-tree').first().textContent()).toContain(`${child.name} 모음`)
      const moved = (await admin.categories.list()).items.find((c) => c.id === child.id)!
      expect(moved).toMatchObject({ name: `${child.name} 모음`, parentId: target.id })
      // the storefront's category page now sits under its new parent
      const html = await (await fetch(`${shop.gatewayUrl}/categories/${child.slug}`)).text()
      expect(html).toContain(`<h1>${child.name} 모음</h1>`)
      expect(html).toContain(`href="/categories/${target.slug}"`)
    } finally {
      await ctx.close()
    }
  })
})
