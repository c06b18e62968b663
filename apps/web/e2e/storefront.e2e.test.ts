import type { ShopClient } from '@shop/client'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Shop } from '../../../test/e2e/shop.ts'
import { DESKTOP, expectAccessible, launchBrowser, newContext, PHONE, watchErrors } from './browser.ts'
import { eventually, signedInWithCart, startDemoShop, uniqueEmail } from './shop-fixture.ts'

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
      const requested: string[] = []
      page.on('request', (r) => requested.push(r.url()))
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
        // no reload from here: the page hears the order change by itself, from its event stream
        let navigations = 0
        page.on('framenavigated', (f) => f === page.mainFrame() && navigations++)
        await expect.poll(() => page.getByTestId('order-status').textContent(), { timeout: 20_000 }).toContain('결제 완료')
        expect(navigations).toBe(0)
        const asked = requested.map((u) => new URL(u).pathname)
        expect(asked).toContain(`/v1/orders/${orderId}/events`)
        // not polling: the order itself was read once or twice (the page's load, a refresh after paying)
        expect(asked.filter((p) => p === `/v1/orders/${orderId}`).length).toBeLessThanOrEqual(2)
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

/** Presses Tab until the control is focused (at most 80 times): the way a keyboard user gets there. */
async function tabTo(page: Page, target: ReturnType<Page['getByRole']>, what: string) {
  for (let i = 0; i < 80; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return
    await page.keyboard.press('Tab')
  }
  throw new Error(`Tab never reached ${what}`)
}

describe('checkout without a mouse, and without paying twice', () => {
  it('the whole checkout is done with the keyboard alone', async () => {
    const ctx = await newContext(browser, DESKTOP)
    const p = (await admin.products.list({ inStock: true, limit: 1 })).items[0]
    const { shopper } = await signedInWithCart(ctx, shop.gatewayUrl, [{ productId: p.id, name: p.name, price: p.price, quantity: 1 }])
    const page = await ctx.newPage()
    try {
      await page.goto(`${shop.gatewayUrl}/cart`)
      await tabTo(page, page.getByRole('button', { name: '주문하기' }), '주문하기')
      await page.keyboard.press('Enter')
      await page.waitForURL(/\/checkout/)
      const type = async (name: string, value: string, exact = false) => {
        await tabTo(page, page.getByRole('textbox', { name, exact }), name)
        await page.keyboard.type(value)
      }
      await type('받는 분', '이도윤')
      await type('휴대폰 번호', '01098765432')
      await type('우편번호', '04524')
      await type('주소', '서울특별시 중구 세종대로 110', true)
      await tabTo(page, page.getByRole('radio', { name: '카드' }), '카드')
      await page.keyboard.press('ArrowRight')
      expect(await page.getByRole('radio', { name: '계좌이체' }).isChecked()).toBe(true)
      await page.keyboard.press('ArrowLeft')
      expect(await page.getByRole('radio', { name: '카드' }).isChecked()).toBe(true)
      await type('카드 번호', '4242424242424242')
      await tabTo(page, page.getByRole('button', { name: /결제하기/ }), '결제하기')
      await page.keyboard.press('Enter')
      await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/)
      await expect.poll(() => page.getByTestId('order-status').textContent(), { timeout: 20_000 }).toContain('결제 완료')
      const mine = await shopper.orders.list()
      expect(mine.items.map((o) => o.status)).toEqual(['PAID'])
    } finally {
      await ctx.close()
    }
  })

  it("a second tab's double click on 결제하기 places one order and charges it once", async () => {
    const ctx = await newContext(browser, PHONE)
    const p = (await admin.products.list({ inStock: true, limit: 2 })).items[1]
    const { shopper } = await signedInWithCart(ctx, shop.gatewayUrl, [{ productId: p.id, name: p.name, price: p.price, quantity: 1 }])
    const first = await ctx.newPage()
    await first.goto(`${shop.gatewayUrl}/checkout`)
    await first.getByRole('textbox', { name: '받는 분' }).waitFor()
    const second = await ctx.newPage()
    try {
      await second.goto(`${shop.gatewayUrl}/checkout`)
      await fillJejuAddress(second)
      await second.getByRole('textbox', { name: '카드 번호' }).fill('4242 4242 4242 4242')
      await second.getByRole('button', { name: /결제하기/ }).dblclick()
      await second.waitForURL(/\/orders\/[0-9a-f-]{36}$/)
      await expect.poll(() => second.getByTestId('order-status').textContent(), { timeout: 20_000 }).toContain('결제 완료')
      const orders = (await shopper.orders.list()).items
      expect(orders).toHaveLength(1)
      const payment = await shopper.payments.get(orders[0].payment!.paymentId)
      expect([payment.status, payment.amount]).toEqual(['COMPLETED', orders[0].total])
    } finally {
      await ctx.close()
    }
  })
})
