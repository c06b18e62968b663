import type { ShopClient } from '@shop/client'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Shop } from '../../../test/e2e/shop.ts'
import { DESKTOP, expectAccessible, launchBrowser, newContext, PHONE, watchErrors } from './browser.ts'
import { eventually, startDemoShop, uniqueEmail } from './shop-fixture.ts'

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

async function signUpOnTheWay(page: Page, email: string) {
  await page.getByRole('link', { name: '회원가입' }).click()
  await page.getByRole('textbox', { name: '이메일' }).fill(email)
  await page.getByRole('textbox', { name: '이름' }).fill('김하늘')
  await page.getByLabel('비밀번호').fill('haneul-2026-secret')
  await page.getByRole('button', { name: '가입하기' }).click()
}

async function fillJejuAddress(page: Page) {
  await page.getByRole('textbox', { name: '받는 분' }).fill('김하늘')
  await page.getByRole('textbox', { name: '휴대폰 번호' }).fill('010-2345-6789')
  await page.getByRole('textbox', { name: '우편번호' }).fill('63100')
  await page.getByRole('textbox', { name: '주소', exact: true }).fill('제주특별자치도 제주시 첨단로 242')
  await page.getByRole('textbox', { name: '상세 주소' }).fill('2층')
}

for (const [size, viewport] of [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const) {
  describe(`a shopper's journey at ${size} size (${viewport.width}×${viewport.height})`, () => {
    it('search 이어폰 → product → cart → sign up on the way → Jeju address → declined card → paid → live 결제 완료 → 내 주문 → cancel, stock back', async () => {
      const ctx = await newContext(browser, viewport)
      const page = await ctx.newPage()
      const errors = watchErrors(page)
      try {
        await page.goto(`${shop.gatewayUrl}/`)
        await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('한빛마켓')
        await expectAccessible(page, 'home')

        await page.getByRole('searchbox', { name: '상품 검색' }).fill('이어폰')
        await page.getByRole('searchbox', { name: '상품 검색' }).press('Enter')
        await page.waitForURL(/\/search\?q=/)
        await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('이어폰')
        await expectAccessible(page, 'search results')
        const firstEarphone = page.getByRole('link').filter({ hasText: /이어폰/ }).filter({ hasNotText: '품절' }).first()
        const productName = (await firstEarphone.locator('.product-card-name').textContent())!.trim()
        await firstEarphone.click()

        await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(productName)
        const productId = new URL(page.url()).pathname.split('/').pop()!
        const before = (await admin.products.get(productId)).stock.available
        await expectAccessible(page, 'product')
        await page.getByRole('spinbutton', { name: '수량' }).fill('2')
        await page.getByRole('button', { name: '장바구니 담기' }).click()
        await page.getByRole('link', { name: /장바구니/ }).first().click()

        await page.waitForURL(/\/cart$/)
        await expect.poll(() => page.getByRole('spinbutton', { name: '수량' }).inputValue()).toBe('2')
        await expectAccessible(page, 'cart')
        await page.getByRole('button', { name: '주문하기' }).click()

        await page.waitForURL(/\/login/)
        await expectAccessible(page, 'login')
        await signUpOnTheWay(page, uniqueEmail(`journey-${size}`))
        await page.waitForURL(/\/checkout/)
        await fillJejuAddress(page)
        await expect.poll(() => page.getByText('제주 추가 배송비').count()).toBe(1)
        await expectAccessible(page, 'checkout')

        expect(await page.getByRole('radio', { name: '카드' }).isChecked()).toBe(true)
        await page.getByRole('textbox', { name: '카드 번호' }).fill('4000 0000 0000 0002')
        await page.getByRole('button', { name: /결제하기/ }).click()
        await expect.poll(() => page.getByRole('alert').textContent()).toContain('카드사에서 결제를 거절했어요')

        await page.getByRole('textbox', { name: '카드 번호' }).fill('4242 4242 4242 4242')
        await page.getByRole('button', { name: /결제하기/ }).click()
        await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/)
        const orderId = new URL(page.url()).pathname.split('/').pop()!
        // no reload from here: the page hears the order change by itself
        let navigations = 0
        page.on('framenavigated', (f) => f === page.mainFrame() && navigations++)
        await expect.poll(() => page.getByTestId('order-status').textContent(), { timeout: 20_000 }).toContain('결제 완료')
        expect(navigations).toBe(0)
        await expectAccessible(page, 'order')

        await page.getByRole('link', { name: '내 주문' }).click()
        await page.waitForURL(/\/orders$/)
        await expect.poll(() => page.locator(`a[href="/orders/${orderId}"]`).count()).toBe(1)
        await expectAccessible(page, 'my orders')

        await page.locator(`a[href="/orders/${orderId}"]`).click()
        await page.getByRole('button', { name: '주문 취소' }).click()
        await page.getByRole('button', { name: '취소하기' }).click()
        await expect.poll(() => page.getByTestId('order-status').textContent()).toContain('취소됨')
        await eventually('stock back after the cancel', () => admin.products.get(productId), (p) => p.stock.available === before)
        expect(errors).toEqual([])
      } finally {
        await ctx.close()
      }
    })
  })
}
