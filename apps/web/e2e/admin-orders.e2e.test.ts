import { createShopClient, type Order, type ShopClient } from '@shop/client'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Shop } from '../../../test/e2e/shop.ts'
import { signIn, until } from './admin-helpers.ts'
import { DESKTOP, expectAccessible, launchBrowser, newContext, PHONE, watchErrors } from './browser.ts'
import { eventually, startDemoShop, uniqueEmail } from './shop-fixture.ts'

let shop: Shop
let admin: ShopClient
let browser: Browser
const shopper = { email: uniqueEmail('buyer'), password: 'buyer-2026-secret' }
let toShip: Order
let toRefund: Order

/** A paid order of the shopper, placed and paid through the API as the storefront would. */
async function paidOrder(client: ShopClient, productId: string, quantity: number): Promise<Order> {
  const order = await client.orders.place({
    items: [{ productId, quantity }],
    shippingAddress: { recipient: '최민서', phone: '010-3456-7890', postalCode: '04524', address1: '서울특별시 중구 세종대로 110', address2: '3층' },
  })
  await client.payments.pay({ orderId: order.id, amount: order.total, method: 'card', paymentToken: 'tok_success' })
  await eventually('a shipment waiting for the paid order', () => admin.shipping.shipment(order.id).catch(() => null), (s) => s?.status === 'READY')
  return order
}

beforeAll(async () => {
  ;({ shop, admin } = await startDemoShop())
  browser = await launchBrowser()
  const buyer = createShopClient({ baseUrl: shop.gatewayUrl })
  await buyer.auth.register({ email: shopper.email, password: shopper.password, name: '최민서' })
  const products = (await admin.products.list({ inStock: true, limit: 5 })).items
  toShip = await paidOrder(buyer, products[0].id, 1)
  toRefund = await paidOrder(buyer, products[1].id, 2)
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await shop?.stop()
})

const parcel = (page: Page, orderId: string) => page.getByRole('listitem').filter({ hasText: orderId.slice(0, 8) })

describe('the admin console: orders, shipping and refunds', () => {
  it("a paid order waits in the queue → 발송 처리 with 한진택배 → the shopper's page says 배송 중 by itself, tracking shows the events → 배송 완료 처리", async () => {
    const adminCtx = await newContext(browser, DESKTOP)
    const buyerCtx = await newContext(browser, PHONE)
    const a = await adminCtx.newPage()
    const b = await buyerCtx.newPage()
    const errors = [...watchErrors(a), ...watchErrors(b)]
    const tracking = `HJ-${Date.now().toString().slice(-10)}`
    try {
      await signIn(b, shop.gatewayUrl, shopper, `/orders/${toShip.id}`)
      await until(() => b.getByTestId('order-status').textContent()).toContain('결제 완료')
      let navigations = 0
      b.on('framenavigated', (f) => f === b.mainFrame() && navigations++)

      await signIn(a, shop.gatewayUrl, shop.admin, '/admin/shipments')
      await until(() => parcel(a, toShip.id).count()).toBe(1)
      await expectAccessible(a, 'fulfilment queue')
      // oldest first: the order paid first comes first
      expect(await a.getByRole('listitem').filter({ hasText: /주문 [0-9a-f]{8}/ }).first().textContent()).toContain(toShip.id.slice(0, 8))
      const item = parcel(a, toShip.id)
      await item.getByRole('button', { name: '발송 처리' }).click()
      await until(() => item.getByText('택배사를 골라 주세요.').count()).toBe(1)
      await item.getByRole('combobox', { name: '택배사' }).selectOption({ label: '한진택배' })
      await item.getByRole('textbox', { name: '송장 번호' }).fill(tracking)
      await item.getByRole('button', { name: '발송 처리' }).click()
      await until(() => a.getByRole('status').filter({ hasText: `송장 ${tracking}` }).count()).toBe(1)
      await until(() => parcel(a, toShip.id).count()).toBe(0)

      await until(() => b.getByTestId('order-status').textContent(), 20_000).toContain('배송 중')
      expect(navigations).toBe(0)
      await b.getByRole('link', { name: tracking }).click()
      await b.waitForURL(new RegExp(`/tracking/${tracking}$`))
      await until(() => b.getByTestId('tracking-status').textContent()).toBe('발송됨')
      await until(() => b.getByRole('listitem').filter({ hasText: '발송됨' }).count()).toBeGreaterThan(0)
      expect(await b.getByText('한진택배').count()).toBeGreaterThan(0)

      await a.getByRole('combobox', { name: '배송 상태' }).selectOption({ label: '발송됨' })
      await until(() => parcel(a, toShip.id).count()).toBe(1)
      await parcel(a, toShip.id).getByRole('button', { name: '배송 완료 처리' }).click()
      await until(() => a.getByRole('status').filter({ hasText: '배송 완료로 처리했습니다' }).count()).toBe(1)
      await eventually('the order delivered', () => admin.orders.get(toShip.id), (o) => o.status === 'DELIVERED')
      await b.reload()
      await until(() => b.getByTestId('tracking-status').textContent()).toBe('배송 완료')

      await a.goto(`${shop.gatewayUrl}/admin/orders/${toShip.id}`)
      await until(() => a.getByRole('heading', { name: '진행 내역' }).count()).toBe(1)
      await until(() => a.locator('.admin-timeline li').count()).toBeGreaterThanOrEqual(4)
      expect(await a.getByRole('button', { name: '주문 취소' }).count()).toBe(0)
      expect(errors).toEqual([])
    } finally {
      await adminCtx.close()
      await buyerCtx.close()
    }
  })

  it('a partial refund: found by the customer\'s email, refused above what remains, then shown to the admin and to the shopper', async () => {
    const adminCtx = await newContext(browser, PHONE)
    const buyerCtx = await newContext(browser, DESKTOP)
    const a = await adminCtx.newPage()
    const b = await buyerCtx.newPage()
    const errors = [...watchErrors(a), ...watchErrors(b)]
    try {
      await signIn(a, shop.gatewayUrl, shop.admin, '/admin/orders')
      await a.getByRole('textbox', { name: '고객 이메일' }).fill(shopper.email)
      await a.getByRole('button', { name: '검색' }).click()
      await until(() => a.getByRole('link', { name: toRefund.id.slice(0, 8) }).count()).toBe(1)
      // only this customer's orders are listed
      const listed = await a.getByRole('table', { name: '주문 목록' }).locator('tbody th a').allTextContents()
      expect(listed.every((id) => [toShip.id.slice(0, 8), toRefund.id.slice(0, 8)].includes(id))).toBe(true)
      await expectAccessible(a, 'orders')
      await a.getByRole('link', { name: toRefund.id.slice(0, 8) }).click()
      await until(() => a.getByRole('textbox', { name: '환불 금액' }).count()).toBe(1)
      await expectAccessible(a, 'order detail')

      await a.getByRole('textbox', { name: '환불 금액' }).fill(String(toRefund.total + 1))
      await a.getByRole('button', { name: '환불' }).click()
      await until(() => a.getByText(/환불 가능 금액\(.*\)보다 많이 환불할 수 없어요/).count()).toBe(1)
      await a.getByRole('textbox', { name: '환불 금액' }).fill('5000')
      await a.getByRole('textbox', { name: '환불 사유' }).fill('포장 파손 일부 보상')
      await a.getByRole('button', { name: '환불' }).click()
      await until(() => a.getByRole('status').filter({ hasText: '5,000원을 환불했습니다.' }).count()).toBe(1)
      await until(() => a.getByText('포장 파손 일부 보상').count()).toBe(1)
      await until(() => a.getByText('부분 환불').count()).toBeGreaterThan(0)

      await signIn(b, shop.gatewayUrl, shopper, `/orders/${toRefund.id}`)
      await until(() => b.getByText('부분 환불').count(), 20_000).toBeGreaterThan(0)
      expect(await b.getByText('5,000원').count()).toBeGreaterThan(0)
      expect(errors).toEqual([])
    } finally {
      await adminCtx.close()
      await buyerCtx.close()
    }
  })

  it('dashboard, customers and operations: axe-clean and within a phone screen and a desktop', async () => {
    for (const viewport of [PHONE, DESKTOP]) {
      const ctx = await newContext(browser, viewport)
      const page = await ctx.newPage()
      const errors = watchErrors(page)
      try {
        await signIn(page, shop.gatewayUrl, shop.admin, '/admin')
        await until(() => page.locator('.admin-chart-canvas .recharts-wrapper').count()).toBe(1)
        // the chart's figures, for everyone, in a table that opens under it
        await page.locator('.admin-chart-table summary').click()
        await until(() => page.getByRole('table', { name: '날짜별 매출 표' }).locator('tbody tr').count()).toBe(14)
        expect(await page.getByRole('table', { name: '날짜별 매출 표' }).locator('tbody tr').last().textContent()).toMatch(/^\d{4}년 \d{1,2}월 \d{1,2}일2/)
        await expectAccessible(page, `dashboard ${viewport.width}`)
        for (const [path, ready] of [
          ['/admin/customers', () => page.getByRole('table', { name: '고객 목록' }).count()],
          ['/admin/operations', () => page.getByRole('table', { name: '서비스별 대기 이벤트' }).count()],
          ['/admin/categories', () => page.locator('.admin-tree').count()],
          ['/admin/products/new', () => page.getByRole('textbox', { name: '상품명' }).count()],
        ] as const) {
          await page.goto(`${shop.gatewayUrl}${path}`)
          await until(ready).toBeGreaterThan(0)
          await expectAccessible(page, `${path} ${viewport.width}`)
          expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${path} fits ${viewport.width}px`).toBe(true)
        }
        // The auditor's report in Korean: each check's title and description, each figure's name.
        await page.goto(`${shop.gatewayUrl}/admin/operations`)
        const audit = page.getByRole('table', { name: '정합성 점검 보고서' })
        await until(() => audit.locator('tbody th').count()).toBe(8)
        expect(await audit.locator('tbody th').first().textContent()).toMatch(/^서비스 응답/)
        for (const text of await audit.locator('tbody th, .admin-figures .muted').allTextContents()) expect(text).toMatch(/[가-힣]/)
        await page.goto(`${shop.gatewayUrl}/admin/customers`)
        await page.getByRole('searchbox', { name: '이메일 검색' }).fill(shopper.email.split('@')[0])
        await page.getByRole('button', { name: '검색' }).click()
        const row = page.getByRole('row').filter({ hasText: shopper.email })
        await until(() => row.count()).toBe(1)
        expect(await row.textContent()).not.toContain('최민서')
        expect(errors).toEqual([])
      } finally {
        await ctx.close()
      }
    }
  })
})
