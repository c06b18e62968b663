import { createShopClient, isApiError, type ShopClient } from '@shop/client'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Shop } from '../../../test/e2e/shop.ts'
import { DESKTOP, expectAccessible, launchBrowser, newContext, PHONE, watchErrors } from './browser.ts'
import { signedInWithCart, startDemoShop, uniqueEmail } from './shop-fixture.ts'

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

/** Signs in on the login page (`next`: where it sends the shopper after), as a shopper types it. */
async function signIn(page: Page, email: string, password: string, next?: string): Promise<void> {
  await page.goto(`${shop.gatewayUrl}/login${next ? `?next=${encodeURIComponent(next)}` : ''}`)
  await page.getByRole('textbox', { name: '이메일' }).fill(email)
  await page.getByLabel('비밀번호').fill(password)
  await page.getByRole('button', { name: '로그인' }).click()
}

describe("a shopper's account", () => {
  it('saves a delivery address that checkout then offers, already filled in', async () => {
    const ctx = await newContext(browser, PHONE)
    const p = (await admin.products.list({ inStock: true, limit: 1 })).items[0]
    await signedInWithCart(ctx, shop.gatewayUrl, [{ productId: p.id, name: p.name, price: p.price, quantity: 1 }])
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    try {
      await page.goto(`${shop.gatewayUrl}/account`)
      await expectAccessible(page, 'account')
      await page.getByRole('button', { name: '배송지 추가' }).click()
      await page.getByRole('textbox', { name: '배송지 이름' }).fill('회사')
      await page.getByRole('textbox', { name: '받는 분' }).fill('이도윤')
      await page.getByRole('textbox', { name: '휴대폰 번호' }).last().fill('010-5555-1234')
      await page.getByRole('textbox', { name: '우편번호' }).fill('63309')
      await page.getByRole('textbox', { name: '주소', exact: true }).fill('제주특별자치도 제주시 중앙로 1')
      await page.getByRole('button', { name: '저장' }).last().click()
      await expect.poll(() => page.getByText('제주특별자치도 제주시 중앙로 1').count()).toBe(1)

      await page.goto(`${shop.gatewayUrl}/checkout`)
      await expect.poll(() => page.getByRole('radio', { name: /회사/ }).isChecked()).toBe(true)
      expect(await page.getByRole('textbox', { name: '우편번호' }).inputValue()).toBe('63309')
      expect(await page.getByRole('textbox', { name: '받는 분' }).inputValue()).toBe('이도윤')
      await expect.poll(() => page.getByText('제주 추가 배송비').count()).toBe(1)
      expect(errors).toEqual([])
    } finally {
      await ctx.close()
    }
  })

  it('changes the password: the new one signs in, the old one no longer does, and other sessions end', async () => {
    const email = uniqueEmail('pw')
    const oldPassword = 'first-password-2026'
    const newPassword = 'second-password-2026'
    const elsewhere = createShopClient({ baseUrl: shop.gatewayUrl })
    await elsewhere.auth.register({ email, password: oldPassword, name: '최유나' })
    const ctx = await newContext(browser, DESKTOP)
    const page = await ctx.newPage()
    try {
      await signIn(page, email, oldPassword, '/account')
      await page.waitForURL(/\/account$/)
      await page.getByLabel('현재 비밀번호').fill('not-the-password-1')
      await page.getByLabel('새 비밀번호').fill(newPassword)
      await page.getByRole('button', { name: '비밀번호 변경' }).click()
      await expect.poll(() => page.getByRole('alert').textContent()).toBe('현재 비밀번호가 맞지 않아요.')
      await page.getByLabel('현재 비밀번호').fill(oldPassword)
      await page.getByRole('button', { name: '비밀번호 변경' }).click()
      await expect.poll(() => page.getByText(/비밀번호를 바꿨습니다/).count()).toBe(1)
      // this browser stays signed in; the other session is over
      await page.reload()
      const header = page.getByRole('navigation', { name: '내 쇼핑' })
      await expect.poll(() => header.getByRole('button', { name: '로그아웃' }).count()).toBe(1)
      const err = await elsewhere.auth.profile().catch((e: unknown) => e)
      expect(isApiError(err, 'unauthorized')).toBe(true)
      await expect(createShopClient({ baseUrl: shop.gatewayUrl }).auth.login(email, oldPassword)).rejects.toMatchObject({ code: 'unauthorized' })
      await createShopClient({ baseUrl: shop.gatewayUrl }).auth.login(email, newPassword)
      await header.getByRole('button', { name: '로그아웃' }).click()
      await expect.poll(() => header.getByRole('link', { name: '로그인' }).count()).toBe(1)
    } finally {
      await ctx.close()
    }
  })

  it('keeps the sign-in in an HttpOnly cookie no script on the page can read: a reload stays signed in, signing out clears it', async () => {
    const email = uniqueEmail('cookie')
    const password = 'cookie-password-2026'
    await createShopClient({ baseUrl: shop.gatewayUrl }).auth.register({ email, password, name: '한지민' })
    const ctx = await newContext(browser, DESKTOP)
    const page = await ctx.newPage()
    const sessionCookies = async () => (await ctx.cookies(`${shop.gatewayUrl}/v1/auth/refresh`)).filter((c) => c.name === 'shop_refresh')
    try {
      await signIn(page, email, password, '/account')
      await page.waitForURL(/\/account$/)
      const [cookie] = await sessionCookies()
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/v1/auth' })
      // Nothing the page's scripts can read holds it: not the storage, not document.cookie.
      const readable = await page.evaluate(() => JSON.stringify({ storage: { ...localStorage }, cookies: document.cookie }))
      expect(readable).not.toContain(cookie!.value)
      expect(readable).not.toContain('refreshToken')
      // Pages are not sent it either: only /v1/auth is.
      expect(await ctx.cookies(`${shop.gatewayUrl}/account`)).toEqual([])

      await page.reload()
      const header = page.getByRole('navigation', { name: '내 쇼핑' })
      await expect.poll(() => header.getByRole('button', { name: '로그아웃' }).count()).toBe(1)
      // The reload's refresh rotated it.
      expect((await sessionCookies())[0]?.value).not.toBe(cookie!.value)

      await header.getByRole('button', { name: '로그아웃' }).click()
      await expect.poll(() => header.getByRole('link', { name: '로그인' }).count()).toBe(1)
      expect(await sessionCookies()).toEqual([])
      await page.reload()
      await expect.poll(() => header.getByRole('link', { name: '로그인' }).count()).toBe(1)
    } finally {
      await ctx.close()
    }
  })

  it('every open tab follows signing in and signing out in another one, without a reload', async () => {
    const email = uniqueEmail('tabs')
    const password = 'tabs-password-2026'
    await createShopClient({ baseUrl: shop.gatewayUrl }).auth.register({ email, password, name: '윤서연' })
    const ctx = await newContext(browser, DESKTOP)
    try {
      const [first, second] = [await ctx.newPage(), await ctx.newPage()]
      await second.goto(`${shop.gatewayUrl}/`)
      const headerOf = (page: Page) => page.getByRole('navigation', { name: '내 쇼핑' })
      await expect.poll(() => headerOf(second).getByRole('link', { name: '로그인' }).count()).toBe(1)

      await signIn(first, email, password)
      await expect.poll(() => headerOf(first).getByRole('button', { name: '로그아웃' }).count()).toBe(1)
      // The other tab, left alone, is signed in too: its session renewed by the shared cookie.
      await expect.poll(() => headerOf(second).getByRole('button', { name: '로그아웃' }).count()).toBe(1)

      await headerOf(second).getByRole('button', { name: '로그아웃' }).click()
      await expect.poll(() => headerOf(second).getByRole('link', { name: '로그인' }).count()).toBe(1)
      await expect.poll(() => headerOf(first).getByRole('link', { name: '로그인' }).count()).toBe(1)
    } finally {
      await ctx.close()
    }
  })

  it('sign-up explains a taken e-mail and a short password in Korean, and the pages pass axe', async () => {
    const ctx = await newContext(browser, PHONE)
    const page = await ctx.newPage()
    try {
      await page.goto(`${shop.gatewayUrl}/signup`)
      await expectAccessible(page, 'signup')
      await page.getByRole('textbox', { name: '이메일' }).fill(shop.admin.email)
      await page.getByRole('textbox', { name: '이름' }).fill('관리자인척')
      await page.getByLabel('비밀번호').fill('short')
      await page.getByRole('button', { name: '가입하기' }).click()
      await expect.poll(() => page.getByText('비밀번호는 10자 이상이어야 해요.').count()).toBe(1)
      await page.getByLabel('비밀번호').fill('long-enough-password-1')
      await page.getByRole('button', { name: '가입하기' }).click()
      await expect.poll(() => page.getByRole('alert').textContent()).toBe('이미 가입된 이메일이에요. 로그인해 주세요.')
      await signIn(page, shop.admin.email, 'wrong-password-123')
      await expect.poll(() => page.getByRole('alert').textContent()).toBe('이메일 또는 비밀번호가 맞지 않아요.')
      await expectAccessible(page, 'login with an error')
    } finally {
      await ctx.close()
    }
  })
})
