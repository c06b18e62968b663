import { createShopClient, type ShopClient } from '@shop/client'
import { type Shop, startEmbeddedShop } from '../../../test/e2e/shop.ts'

/** An embedded shop (what `npm start` runs) with the demo catalogue, for browser journeys. */
export async function startDemoShop(extraEnv: Record<string, string> = {}): Promise<{ shop: Shop; admin: ShopClient }> {
  const shop = await startEmbeddedShop({ SHOP_DEMO_DATA: 'true', CARRIER_SIMULATOR_AUTO_ADVANCE: 'false', ...extraEnv })
  const admin = createShopClient({ baseUrl: shop.gatewayUrl })
  await admin.auth.login(shop.admin.email, shop.admin.password)
  // the demo catalogue is seeded right after the shop says it is up
  const deadline = Date.now() + 60_000
  while ((await admin.products.list({ limit: 100 })).items.length < 48) {
    if (Date.now() > deadline) throw new Error(`demo catalogue not seeded\n${shop.logs()}`)
    await new Promise((r) => setTimeout(r, 300))
  }
  return { shop, admin }
}

/** Waits until `check` holds, asking again every 200 ms (events settle asynchronously). */
export async function eventually<T>(what: string, fn: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (check(v)) return v
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)} after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

export const uniqueEmail = (tag: string) => `${tag}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@shop.test`

/**
 * A browser profile already signed in as a new shopper with products in the cart, set up
 * through the API and the app's own storage keys (the journeys test signing in by hand).
 */
export async function signedInWithCart(
  ctx: import('playwright-core').BrowserContext,
  gatewayUrl: string,
  lines: { productId: string; name: string; price: number; quantity: number }[],
) {
  const { createShopClient } = await import('@shop/client')
  const shopper = createShopClient({ baseUrl: gatewayUrl })
  const session = await shopper.auth.register({ email: uniqueEmail('keys'), password: 'shopper-2026-secret', name: '이도윤' })
  await ctx.addInitScript(
    ([refreshToken, userId, cart]) => {
      // once per profile: a second tab must find what the first one left (a rotated token)
      if (!localStorage.getItem('test.seeded')) {
        localStorage.setItem('shop.session', JSON.stringify({ refreshToken }))
        localStorage.setItem(`shop.cart.${userId}`, cart)
        localStorage.setItem('test.seeded', '1')
      }
    },
    [session.refreshToken, session.user.id, JSON.stringify(lines)] as const,
  )
  return { shopper, user: session.user }
}
