import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Shop } from '../../../test/e2e/shop.ts'
import { launchBrowser, newContext, PHONE, watchErrors } from '../../web/e2e/browser.ts'
import { startDemoShop, uniqueEmail } from '../../web/e2e/shop-fixture.ts'
import { ensureMobileWebBuild } from '../../../scripts/web-build.ts'
import { serveStatic } from './static-server.ts'

let shop: Shop
let browser: Browser
let site: Awaited<ReturnType<typeof serveStatic>>

beforeAll(async () => {
  // built once per run, and only when the app's sources changed since the last build
  const dist = await ensureMobileWebBuild({ log: (l) => console.log(l) })
  let api = ''
  site = await serveStatic(dist, () => api)
  // the web build is served from its own origin: the gateway must allow it (CORS)
  ;({ shop } = await startDemoShop({ CORS_ORIGINS: site.url }))
  api = shop.gatewayUrl
  browser = await launchBrowser()
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await shop?.stop()
  await site?.close()
})

describe(`the mobile app's web build at phone size (${PHONE.width}×${PHONE.height})`, () => {
  it('search 이어폰 → product → cart → sign up on the way → checkout with the good card → 결제 완료 without a reload → 내 주문 lists it', async () => {
    const ctx = await newContext(browser, PHONE)
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    const debug: string[] = []
    page.on('response', (r) => { if (r.url().includes('/v1/orders')) debug.push(`${r.request().method()} ${r.url()} ${r.status()}`) })
    page.on('requestfailed', (r) => debug.push(`FAILED ${r.url()} ${r.failure()?.errorText}`))
    page.on('console', (m) => debug.push(`console ${m.type()}: ${m.text()}`))
    try {
      const started = Date.now()
      await page.goto(`${site.url}/`)
      await page.getByRole('heading', { level: 1, name: '한빛마켓' }).waitFor()
      await page.getByRole('link', { name: '새로 들어온 상품' }).or(page.getByRole('heading', { name: '새로 들어온 상품' })).first().waitFor()
      await page.getByText(/원$/).first().waitFor()
      console.log(`mobile web build: home with products shown ${Date.now() - started} ms after navigation (Chromium, 390×844)`)

      const search = page.getByRole('searchbox', { name: '상품 검색' })
      await search.fill('이어폰')
      await search.press('Enter')
      await page.waitForURL(/\/search\?q=/)
      await expect.poll(() => page.getByRole('heading', { level: 1 }).last().textContent()).toContain('이어폰')
      const card = page.getByRole('link', { name: /이어폰/ }).filter({ hasNotText: '품절' }).first()
      await card.waitFor()
      const name = (await card.getAttribute('aria-label'))!.split(',')[0]
      await card.click()

      await page.waitForURL(/\/products\//)
      await page.getByRole('heading', { level: 1, name }).waitFor()
      await page.getByRole('spinbutton', { name: '수량' }).waitFor()
      await page.getByRole('button', { name: '장바구니 담기' }).click()
      await page.getByRole('link', { name: '장바구니 1' }).click()

      await page.waitForURL(/\/cart$/)
      await page.getByRole('button', { name: '삭제' }).waitFor()
      await expect.poll(() => page.getByRole('spinbutton', { name: '수량' }).inputValue()).toBe('1')
      await page.getByRole('button', { name: '주문하기' }).click()

      // signed out: the checkout sends the shopper to sign in, and back afterwards
      await page.waitForURL(/\/login/)
      await page.getByRole('link', { name: '회원가입' }).click()
      await page.waitForURL(/\/signup/)
      await page.getByRole('textbox', { name: '이메일' }).fill(uniqueEmail('mobile'))
      await page.getByRole('textbox', { name: '이름' }).fill('김하늘')
      await page.getByLabel('비밀번호').fill('haneul-2026-secret')
      await page.getByRole('button', { name: '가입하기' }).click()

      await page.waitForURL(/\/checkout$/)
      await page.getByRole('textbox', { name: '받는 분' }).fill('김하늘')
      await page.getByRole('textbox', { name: '휴대폰 번호' }).fill('010-2345-6789')
      await page.getByRole('textbox', { name: '우편번호' }).fill('04524')
      await page.getByRole('textbox', { name: '주소', exact: true }).fill('서울특별시 중구 세종대로 110')
      await page.getByRole('textbox', { name: '상세 주소' }).fill('3층')
      await page.getByRole('radio', { name: '카드' }).click()
      await page.getByRole('textbox', { name: '카드 번호' }).fill('4242 4242 4242 4242')
      // a mark on this document: it is still there only if the page was never loaded again
      await page.evaluate(() => Object.assign(window, { journeyMark: 'before paying' }))
      await page.getByRole('button', { name: /결제하기/ }).click()

      await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/)
      const orderId = page.url().split('/').pop()!
      // the order arrives as 결제 대기 or already paid; it turns 결제 완료 by itself (its event stream)
      await page.getByText('결제 완료', { exact: true }).first().waitFor({ timeout: 30_000 })
      // it says how it follows the order: the event stream, or polling where the shop offers no stream
      const following = page.getByText(/^(실시간 연결\(SSE\)로 상태를 받고 있어요\.|몇 초마다 상태를 확인하고 있어요\.)$/)
      console.log(`order screen follows the order by: ${await following.textContent()}`)
      expect(await page.evaluate(() => (window as unknown as { journeyMark?: string }).journeyMark)).toBe('before paying')

      await page.getByRole('link', { name: '내 주문' }).click()
      await page.waitForURL(/\/orders$/)
      const row = page.getByRole('link', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*결제 완료`) })
      await row.first().waitFor()
      await row.first().click()
      await page.waitForURL(new RegExp(`/orders/${orderId}$`))
      expect(errors).toEqual([])
    } catch (e) {
      console.log(debug.join('\n'), '\n---\n', await page.locator('body').innerText())
      throw e
    } finally {
      await ctx.close()
    }
  })
})
