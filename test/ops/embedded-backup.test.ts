import { execFile } from 'node:child_process'
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { embeddedPgDir } from '@shop/platform/embedded-postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, until } from '../e2e/client.ts'
import { createProduct, orderStatus, pay, placeOrder } from '../e2e/fixtures.ts'
import { type Shop, startEmbeddedShop } from '../e2e/shop.ts'
import { ROOT, tempDir } from './support.ts'

// `npm run backup` / `npm run restore` (embedded mode): a shop with orders, payments and
// stock is backed up while running and again once stopped; each file restored into a
// fresh SHOP_DATA_DIR gives back the same orders, payments and stock, the customers'
// sessions still work, and `npm run audit` finds every invariant holding.

const run = promisify(execFile)
const npm = (args: string[], env: Record<string, string>) =>
  run('npm', ['run', '--silent', ...args], { cwd: ROOT, env: { ...process.env, ...env } }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  )

const dirs = ['a', 'files', 'running', 'stopped'].map((n) => tempDir(`ops-embedded-${n}`))
const [dataA, files, fromRunning, fromStopped] = dirs
const shops: Shop[] = []

/** What must survive: the buyer's orders with their payments, and the product's stock. */
async function snapshot(shop: Shop, token: string, productId: string, paymentId: string) {
  const client = api(shop.gatewayUrl)
  const orders = await client.get('/orders?limit=50', token)
  const product = await client.get(`/products/${productId}`)
  const payment = await client.get(`/payments/${paymentId}`, token)
  expect([orders.status, product.status, payment.status]).toEqual([200, 200, 200])
  return { orders: orders.body.items, stock: product.body.stock, payment: payment.body }
}

describe('embedded backup and restore', () => {
  let env: Record<string, string>
  let buyer: { token: string }
  let productId: string
  let paymentId: string
  let before: Awaited<ReturnType<typeof snapshot>>

  beforeAll(async () => {
    for (const d of dirs) chmodSync(d.path, 0o755)
    const shop = await startEmbeddedShop({ SHOP_DATA_DIR: dataA.path })
    shops.push(shop)
    // The restored shops run with the same keys and admin (they come from the
    // environment here, as they would in a deployment).
    env = Object.fromEntries(['JWT_PRIVATE_KEY', 'PII_ENCRYPTION_KEYS', 'BOOTSTRAP_ADMIN_EMAIL', 'BOOTSTRAP_ADMIN_PASSWORD'].map((k) => [k, shop.env[k]]))
    const client = api(shop.gatewayUrl)
    const admin = await client.login(shop.admin.email, shop.admin.password)
    productId = await createProduct(client, admin, 23_000, 10)
    buyer = await client.register()
    const paid = (await placeOrder(client, buyer.token, productId, 3)).body
    const payment = await pay(client, buyer.token, paid.id, paid.total)
    expect(payment.body.status).toBe('COMPLETED')
    paymentId = payment.body.id
    await orderStatus(client, buyer.token, paid.id, 'PAID')
    const unpaid = await placeOrder(client, buyer.token, productId, 2)
    expect(unpaid.status).toBe(201)
    // Stock settles once payment.completed has been consumed: 10 - 3 on hand, 2 reserved.
    before = await until('stock settled', async () => {
      const s = await snapshot(shop, buyer.token, productId, paymentId)
      return s.stock.available === 5 && s
    })
    const backup = await npm(['backup', '--', join(files.path, 'running.tar.gz')], { SHOP_DATA_DIR: dataA.path })
    expect(backup.out, backup.out).toContain('(shop running)')
    await shop.stop()
    const stopped = await npm(['backup', '--', join(files.path, 'stopped.tar.gz')], { SHOP_DATA_DIR: dataA.path })
    expect(stopped.out, stopped.out).toContain('(shop stopped)')
  }, 600_000)

  afterAll(async () => {
    for (const s of shops) await s.stop()
    for (const d of dirs) {
      rmSync(embeddedPgDir(d.path), { recursive: true, force: true })
      d.remove()
    }
  })

  for (const [label, file, target] of [
    ['while the shop ran', 'running.tar.gz', fromRunning],
    ['with the shop stopped', 'stopped.tar.gz', fromStopped],
  ] as const) {
    it(`restores a backup taken ${label} into a fresh data directory: same orders, payments and stock, a clean audit`, async () => {
      const restored = await npm(['restore', '--', join(files.path, file)], { SHOP_DATA_DIR: target.path })
      expect(restored.code, restored.out).toBe(0)
      expect(restored.out).toMatch(/databases: shop_auth, shop_order, shop_payment, shop_product, shop_shipping/)
      expect(readFileSync(join(target.path, 'secrets.json'), 'utf8')).toBe(readFileSync(join(dataA.path, 'secrets.json'), 'utf8'))

      const shop = await startEmbeddedShop({ ...env, SHOP_DATA_DIR: target.path })
      shops.push(shop)
      // The buyer's token from before the backup still opens the same orders.
      expect(await snapshot(shop, buyer.token, productId, paymentId)).toEqual(before)
      const audit = await npm(['audit'], { GATEWAY_URL: shop.gatewayUrl, BOOTSTRAP_ADMIN_EMAIL: env.BOOTSTRAP_ADMIN_EMAIL, BOOTSTRAP_ADMIN_PASSWORD: env.BOOTSTRAP_ADMIN_PASSWORD })
      expect(audit.code, audit.out).toBe(0)
      await shop.stop()
    })
  }

  it('refuses to restore over a data directory that holds a database, and leaves it as it was', async () => {
    const pgVersion = join(embeddedPgDir(fromRunning.path), 'PG_VERSION')
    expect(existsSync(pgVersion)).toBe(true)
    const again = await npm(['restore', '--', join(files.path, 'running.tar.gz')], { SHOP_DATA_DIR: fromRunning.path })
    expect(again.code).toBe(1)
    expect(again.out).toContain('already holds a database; restore into a fresh SHOP_DATA_DIR')
    expect(existsSync(pgVersion)).toBe(true)
  })
})
