import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { createEvent } from '@shop/platform/events'
import { serverAvailable, testAmqpUrl } from '@shop/platform/testing'
import amqp from 'amqplib'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuditCheck, type AuditReport, formatReport, runAudit } from '@shop/gateway/audit'
import { api, until } from './client.ts'
import { createProduct, orderStatus, pay, placeOrder } from './fixtures.ts'
import { freePort, type Shop, startDistributedShop, startEmbeddedShop } from './shop.ts'

// The consistency auditor over a real distributed shop: after paid, delivered,
// cancelled-after-payment, refunded and unpaid journeys it reports every invariant kept
// with the right figures; a change made behind a service's back (on_hand edited in its
// database) is reported; `npm run audit` exits 0, then 1, then 2 without a shop; a dead
// letter shows in the report and the replay route moves it back. Once more in the
// one-process embedded mode, whose in-process broker keeps the dead letters.
const ready = (await serverAvailable('rabbitmq')) && (await serverAvailable('redis'))
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Runs `npm run audit` as a user would (tsx scripts/audit.ts) and returns its exit code and output. */
function npmRunAudit(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/audit.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (out += c.toString()))
    child.on('exit', (code) => resolve({ code, out }))
  })
}

const checkOf = (r: AuditReport, name: string) => r.checks.find((c) => c.name === name) as AuditCheck

describe.runIf(ready)('consistency audit of a distributed shop', () => {
  let shop: Shop
  let client: ReturnType<typeof api>
  let admin: string
  let productId: string

  beforeAll(async () => {
    shop = await startDistributedShop()
    client = api(shop.gatewayUrl)
    admin = await client.login(shop.admin.email, shop.admin.password)
  }, 320_000)
  afterAll(async () => {
    await shop?.stop()
  }, 60_000)

  /** An order of `quantity` units, paid when asked; returns the order and its payment id. */
  async function order(buyer: { token: string }, quantity: number, paid = true) {
    const placed = await placeOrder(client, buyer.token, productId, quantity)
    // A refusal here has been seen only under a loaded full run: keep the processes' log lines with it.
    expect(placed.status, `${JSON.stringify(placed.body)}\n${shop.logs()}`).toBe(201)
    if (!paid) return { order: placed.body, paymentId: '' }
    const payment = await pay(client, buyer.token, placed.body.id, placed.body.total)
    expect(payment.body.status).toBe('COMPLETED')
    await orderStatus(client, buyer.token, placed.body.id, 'PAID')
    return { order: placed.body, paymentId: payment.body.id as string }
  }

  it('after paid, delivered, cancelled-after-payment, refunded and unpaid journeys, every invariant holds with the right figures', async () => {
    productId = await createProduct(client, admin, 10_000, 20)
    const buyer = await client.register()
    const paid = await order(buyer, 2)
    const delivered = await order(buyer, 1)
    const cancelled = await order(buyer, 1)
    const refunded = await order(buyer, 1)
    const unpaid = await order(buyer, 1, false)

    const shipment = await until('shipment READY', async () => {
      const r = await client.get(`/shipments/${delivered.order.id}`, buyer.token)
      return r.body.status === 'READY' && r.body
    })
    for (const status of ['DISPATCHED', 'DELIVERED']) {
      const body = status === 'DISPATCHED' ? { status, carrier: 'CJ' } : { status }
      const r = await client.call('PUT', `/shipments/${shipment.id}/status`, { token: admin, body })
      expect(r.status, JSON.stringify(r.body)).toBe(200)
    }
    expect((await client.call('PUT', `/orders/${cancelled.order.id}/cancel`, { token: buyer.token, body: {} })).status).toBe(200)
    const refund = await client.call('POST', `/payments/${refunded.paymentId}/refund`, { token: admin, body: { reason: 'damaged in transit' } })
    expect(refund.status, JSON.stringify(refund.body)).toBe(200)

    await orderStatus(client, buyer.token, delivered.order.id, 'DELIVERED')
    for (const o of [cancelled, refunded]) {
      await until('order knows the refund', async () => (await client.get(`/orders/${o.order.id}`, buyer.token)).body.payment?.status === 'REFUNDED')
    }
    await until('shipment cancelled', async () => (await client.get(`/shipments/${cancelled.order.id}`, buyer.token)).body.status === 'CANCELLED')
    await until('restocked', async () => (await client.get(`/products/${productId}`)).body.stock.available === 15)

    // Quiet now: no grace, so anything still in flight would count against the shop.
    let report = await runAudit(shop.gatewayUrl, admin, { graceSeconds: 0 })
    await until('the audit passes', async () => (report = await runAudit(shop.gatewayUrl, admin, { graceSeconds: 0 })).ok).catch(() =>
      expect.fail(formatReport(report)),
    )
    expect(report.graceSeconds).toBe(0)
    // The unpaid order has no payment: one is made only when the order is paid.
    expect(checkOf(report, 'facts collected').figures).toEqual({ products: 1, orders: 5, payments: 4, shipments: 4 })
    expect(checkOf(report, 'stock balances').figures).toMatchObject({ initial: 20, adjustments: 0, sold: 5, restocked: 1, onHand: 16, reserved: 1, available: 15 })
    expect(checkOf(report, 'units sold').figures).toEqual({ products: 1, netSold: 4, paidUnits: 4, inFlightUnits: 0 })
    expect(checkOf(report, 'order states').figures).toMatchObject({ orders: 5, PAID: 2, DELIVERED: 1, CANCELLED: 1, PENDING_PAYMENT: 1 })
    const captured = [paid, delivered, cancelled, refunded].reduce((sum, o) => sum + (o.order.total as number), 0)
    expect(checkOf(report, 'payments').figures).toMatchObject({
      capturedPayments: 4,
      captured,
      refunded: cancelled.order.total + refunded.order.total,
      pgProvider: 'simulator',
    })
    expect(checkOf(report, 'shipments').figures).toMatchObject({ shipments: 4, READY: 2, DELIVERED: 1, CANCELLED: 1 })
    expect(checkOf(report, 'dead letters').figures).toMatchObject({ 'order count': 0, 'payment count': 0 })
    expect(unpaid.order.status).toBe('PENDING_PAYMENT')

    const cli = await npmRunAudit({ GATEWAY_URL: shop.gatewayUrl, AUDIT_TOKEN: admin }, ['--grace', '0'])
    expect(cli.code, cli.out).toBe(0)
    expect(cli.out).toMatch(/OK, 8 checks passed/)
  }, 120_000)

  it('stock changed behind the books is reported, and npm run audit exits 1 printing it', async () => {
    const db = new pg.Client({ connectionString: shop.env.PRODUCT_DATABASE_URL })
    await db.connect()
    try {
      await db.query('UPDATE inventory SET on_hand = on_hand + 5 WHERE product_id = $1', [productId])
    } finally {
      await db.end()
    }
    const report = await runAudit(shop.gatewayUrl, admin)
    expect(report.ok).toBe(false)
    expect(report.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['stock balances'])
    expect(checkOf(report, 'stock balances').violations).toEqual([
      { subject: `product ${productId}`, message: 'on hand 21, but the books say 16 (initial 20 + adjustments 0 + restocked 1 − sold 5)' },
    ])

    const cli = await npmRunAudit({ GATEWAY_URL: shop.gatewayUrl, BOOTSTRAP_ADMIN_EMAIL: shop.admin.email, BOOTSTRAP_ADMIN_PASSWORD: shop.admin.password })
    expect(cli.code, cli.out).toBe(1)
    expect(cli.out).toMatch(/stock balances\s+FAIL/)
    expect(cli.out).toContain(`product ${productId}: on hand 21, but the books say 16`)

    const away = await npmRunAudit({ GATEWAY_URL: `http://127.0.0.1:${await freePort()}`, AUDIT_TOKEN: admin })
    expect(away.code, away.out).toBe(2)
    expect(away.out).toMatch(/does not answer/)
  }, 60_000)

  it("a dead letter in RabbitMQ shows with its event's age, and the replay route moves it back", async () => {
    const event = createEvent('payment', 'payment.completed', {
      paymentId: randomUUID(),
      orderId: randomUUID(),
      userId: randomUUID(),
      amount: 1000,
      method: 'card',
      approvedAt: new Date().toISOString(),
    })
    event.occurredAt = new Date(Date.now() - 90_000).toISOString()
    const conn = await amqp.connect(testAmqpUrl())
    try {
      const ch = await conn.createConfirmChannel()
      ch.sendToQueue(`${shop.env.AMQP_PREFIX}order.dlq`, Buffer.from(JSON.stringify(event)), { persistent: true, messageId: event.id })
      await ch.waitForConfirms()
      await ch.close()
    } finally {
      await conn.close()
    }
    const dead = checkOf(await runAudit(shop.gatewayUrl, admin), 'dead letters')
    expect(dead.ok).toBe(false)
    expect(dead.figures['order count']).toBe(1)
    expect(dead.figures['order oldest s']).toBeGreaterThanOrEqual(90)
    // Looking does not consume: the letter is still there for the replay.
    const customer = await client.register()
    expect((await client.call('POST', '/admin/dlq/order/replay', { token: customer.token })).status).toBe(403)
    const res = await client.call('POST', '/admin/dlq/order/replay', { token: admin })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body).toEqual({ service: 'order', replayed: 1 })
    await until('dead letters gone', async () => checkOf(await runAudit(shop.gatewayUrl, admin), 'dead letters').ok)
  }, 60_000)
})

describe('consistency audit of the embedded shop', () => {
  it('a paid and an unpaid order: every invariant holds, dead letters counted on the in-process broker', async () => {
    const shop = await startEmbeddedShop()
    try {
      const client = api(shop.gatewayUrl)
      const admin = await client.login(shop.admin.email, shop.admin.password)
      const productId = await createProduct(client, admin, 25_000, 5)
      const buyer = await client.register()
      const placed = await placeOrder(client, buyer.token, productId, 2)
      expect(placed.status, `${JSON.stringify(placed.body)}\n${shop.logs()}`).toBe(201)
      const paid = placed.body
      expect((await pay(client, buyer.token, paid.id, paid.total)).body.status).toBe('COMPLETED')
      const unpaid = await placeOrder(client, buyer.token, productId, 1)
      expect(unpaid.status, `${JSON.stringify(unpaid.body)}\n${shop.logs()}`).toBe(201)
      await until('shipment READY', async () => (await client.get(`/shipments/${paid.id}`, buyer.token)).body.status === 'READY')

      let report = await runAudit(shop.gatewayUrl, admin, { graceSeconds: 0 })
      await until('the audit passes', async () => (report = await runAudit(shop.gatewayUrl, admin, { graceSeconds: 0 })).ok).catch(() =>
        expect.fail(formatReport(report)),
      )
      expect(checkOf(report, 'stock balances').figures).toMatchObject({ initial: 5, sold: 2, onHand: 3, reserved: 1, available: 2 })
      expect(checkOf(report, 'payments').figures).toMatchObject({ capturedPayments: 1, captured: paid.total })
      expect(checkOf(report, 'dead letters').figures).toMatchObject({ 'product count': 0, 'shipping count': 0 })
    } finally {
      await shop.stop()
    }
  }, 320_000)
})
