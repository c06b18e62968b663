import type { ApiResponse } from '../e2e/client.ts'
import { ADDRESS } from '../e2e/fixtures.ts'
import { type Customer, createProducts, type FaultShop, persist, pick, type ProductRef, registerCustomers, seeded, sleep, waitFor } from './harness.ts'

/**
 * The customer activity the faults are injected into: a handful of virtual customers,
 * each playing one order's story after another (pay, a declined card, cancel before or
 * after paying, an admin refund of part or all, a dispatch and delivery, a pay racing a cancel),
 * retrying through outages the way a careful client does, and recording what the shop
 * must show for each order once it has settled.
 */

export const PLANS = {
  pay: 5,
  decline_then_pay: 1,
  decline_then_cancel: 1,
  cancel_unpaid: 2,
  pay_then_cancel: 2,
  partial_refund: 1,
  partial_refund_then_cancel: 1,
  full_refund: 1,
  dispatch: 1,
  deliver: 1,
  race_pay_cancel: 1,
} as const
export type Plan = keyof typeof PLANS

export interface OrderRecord {
  id: string
  userId: string
  plan: Plan | 'adopted'
  total: number
  lines: { productId: string; quantity: number }[]
  expected: 'PENDING_PAYMENT' | 'PAID' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED'
  /** KRW the shop keeps for the order in the end: captured minus refunded. */
  net: number
  paymentId?: string
}

export interface StreamResult {
  orders: OrderRecord[]
  refused: number
  /** Answers no fault excuses: a step refused that should have worked, or one that never completed. */
  anomalies: string[]
  plans: Partial<Record<Plan, number>>
}

const short = (res: ApiResponse) => `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`

/** One customer's session: the order stories it plays, against one shared result. */
class Session {
  constructor(
    private fs: FaultShop,
    private c: Customer,
    private rng: () => number,
    private products: ProductRef[],
    private out: StreamResult,
  ) {}

  private anomaly(order: OrderRecord | null, what: string) {
    this.out.anomalies.push(`customer ${this.c.index}${order ? `, order ${order.id} (${order.plan})` : ''}: ${what}`)
  }

  private call(method: string, path: string, opts: { body?: unknown; key?: string; admin?: boolean } = {}) {
    const token = opts.admin ? this.fs.adminToken : this.c.token
    return this.fs.client.call(method, path, { token, body: opts.body, idempotencyKey: opts.key })
  }

  async play(plan: Plan): Promise<void> {
    this.out.plans[plan] = (this.out.plans[plan] ?? 0) + 1
    const order = await this.place(plan)
    if (!order) return
    const steps: Record<Plan, () => Promise<unknown>> = {
      pay: () => this.pay(order, 'tok_success'),
      decline_then_pay: async () => (await this.pay(order, 'tok_declined')) && this.pay(order, 'tok_success'),
      decline_then_cancel: async () => (await this.pay(order, 'tok_declined')) && this.cancel(order),
      cancel_unpaid: () => this.cancel(order),
      pay_then_cancel: async () => (await this.pay(order, 'tok_success')) && this.cancel(order),
      partial_refund: async () => (await this.pay(order, 'tok_success')) && this.refund(order, Math.floor(order.total / 4)),
      partial_refund_then_cancel: async () =>
        (await this.pay(order, 'tok_success')) && (await this.refund(order, Math.floor(order.total / 3))) && this.cancel(order),
      full_refund: async () => (await this.pay(order, 'tok_success')) && this.refund(order),
      dispatch: async () => (await this.pay(order, 'tok_success')) && this.dispatch(order),
      deliver: async () => (await this.pay(order, 'tok_success')) && (await this.dispatch(order)) && this.deliver(order),
      race_pay_cancel: () => Promise.all([this.racingPay(order), this.cancel(order)]),
    }
    await steps[plan]()
  }

  private async place(plan: Plan): Promise<OrderRecord | null> {
    // Every story starts at the customer's profile, so the auth service is in the stream too.
    const profile = await persist(this.fs, 'GET /auth/profile', () => this.call('GET', '/auth/profile'))
    if (profile.status !== 200) this.anomaly(null, `GET /auth/profile → ${short(profile)}`)
    const chosen = [...this.products].sort(() => this.rng() - 0.5).slice(0, 1 + Math.floor(this.rng() * 2))
    const lines = chosen.map((p) => ({ productId: p.id, quantity: 1 + Math.floor(this.rng() * 2) }))
    const body = { items: lines, shippingAddress: ADDRESS }
    const res = await persist(this.fs, 'POST /orders', (key) => this.call('POST', '/orders', { body, key }), { rotateAfterMs: 6000 })
    if (res.status === 201) {
      const order: OrderRecord = { id: res.body.id, userId: this.c.userId, plan, total: res.body.total, lines, expected: 'PENDING_PAYMENT', net: 0 }
      this.out.orders.push(order)
      return order
    }
    if (res.status === 409 && res.body?.code === 'insufficient_stock') this.out.refused++
    else this.anomaly(null, `POST /orders (${plan}) → ${short(res)}`)
    return null
  }

  /**
   * Pays until the PG gave a definitive answer: COMPLETED, or for tok_declined a decline.
   * A charge lost to a timeout (pg_timeout, not charged) is tried again with a new key;
   * a 409 means a charge is in flight or went through under an earlier key, so the
   * order tells which.
   */
  private async pay(order: OrderRecord, paymentToken: 'tok_success' | 'tok_declined'): Promise<boolean> {
    const deadline = Date.now() + 75_000
    const body = { orderId: order.id, amount: order.total, method: 'card', paymentToken }
    while (Date.now() < deadline) {
      const res = await persist(this.fs, 'POST /payments', (key) => this.call('POST', '/payments', { body, key }), {
        rotateAfterMs: 6000,
        timeoutMs: deadline - Date.now(),
      })
      if (res.status === 201) {
        order.paymentId = res.body.id
        if (res.body.status === 'COMPLETED' && paymentToken === 'tok_success') return this.paid(order)
        const lostToFault = ['pg_timeout', 'pg_unavailable'].includes(res.body.failureCode)
        if (res.body.status === 'FAILED' && (paymentToken === 'tok_declined' || lostToFault)) {
          if (paymentToken === 'tok_declined') return true
          continue
        }
        this.anomaly(order, `pay ${paymentToken} → ${short(res)}`)
        return false
      }
      if (res.status === 409 && res.body?.code === 'invalid_state') {
        const now = await persist(this.fs, 'GET /orders/:id', () => this.call('GET', `/orders/${order.id}`))
        if (now.status === 200 && now.body.status === 'PAID' && paymentToken === 'tok_success') {
          order.paymentId = now.body.payment?.paymentId
          return this.paid(order)
        }
        if (now.status === 200 && now.body.status !== 'PENDING_PAYMENT') {
          this.anomaly(order, `pay ${paymentToken} → ${short(res)} with the order ${now.body.status}`)
          return false
        }
        await sleep(700)
        continue
      }
      this.anomaly(order, `pay ${paymentToken} → ${short(res)}`)
      return false
    }
    this.anomaly(order, `pay ${paymentToken} did not settle within 75 s`)
    return false
  }

  private paid(order: OrderRecord): boolean {
    order.expected = 'PAID'
    order.net = order.total
    return true
  }

  /** A pay sent together with a cancel: whichever wins, the order ends cancelled and nothing is kept. */
  private async racingPay(order: OrderRecord): Promise<void> {
    const body = { orderId: order.id, amount: order.total, method: 'card', paymentToken: 'tok_success' }
    const res = await persist(this.fs, 'POST /payments', (key) => this.call('POST', '/payments', { body, key }), { timeoutMs: 20_000 })
    if (res.status === 201 && res.body.id) order.paymentId = res.body.id
    else if (res.status !== 409) this.anomaly(order, `pay racing a cancel → ${short(res)}`)
  }

  private async cancel(order: OrderRecord): Promise<boolean> {
    const res = await persist(this.fs, 'PUT /orders/:id/cancel', () =>
      this.call('PUT', `/orders/${order.id}/cancel`, { body: { reason: 'fault suite' } }),
    )
    if (res.status === 200 && res.body.status === 'CANCELLED') {
      order.expected = 'CANCELLED'
      order.net = 0
      return true
    }
    this.anomaly(order, `cancel → ${short(res)}`)
    return false
  }

  private async refund(order: OrderRecord, amount?: number): Promise<boolean> {
    const body = amount === undefined ? { reason: '전액 환불' } : { amount, reason: '부분 환불' }
    const res = await persist(this.fs, 'POST /payments/:id/refund', (key) =>
      this.call('POST', `/payments/${order.paymentId}/refund`, { body, key, admin: true }),
    )
    if (res.status === 200 && ['PARTIALLY_REFUNDED', 'REFUNDED'].includes(res.body.status)) {
      order.net = order.total - res.body.refundedAmount
      return true
    }
    this.anomaly(order, `refund ${amount ?? 'all'} → ${short(res)}`)
    return false
  }

  private async dispatch(order: OrderRecord): Promise<boolean> {
    let shipment: { id: string }
    try {
      shipment = await waitFor(
        `the shipment of order ${order.id}`,
        async () => {
          const r = await this.call('GET', `/shipments/${order.id}`, { admin: true })
          return r.status === 200 && r.body.status === 'READY' && r.body
        },
        45_000,
      )
    } catch (err) {
      this.anomaly(order, String(err))
      return false
    }
    if (!(await this.moveShipment(order, shipment.id, { status: 'DISPATCHED', carrier: 'CJ' }))) return false
    order.expected = 'SHIPPED'
    return true
  }

  private async deliver(order: OrderRecord): Promise<boolean> {
    const shipment = await persist(this.fs, 'GET /shipments/:orderId', () => this.call('GET', `/shipments/${order.id}`, { admin: true }))
    if (!(await this.moveShipment(order, shipment.body.id, { status: 'DELIVERED', location: '서울 강남' }))) return false
    order.expected = 'DELIVERED'
    return true
  }

  /** An admin status change; a 409 after a retry means the first try went through but its answer was lost. */
  private async moveShipment(order: OrderRecord, shipmentId: string, body: { status: string; carrier?: string; location?: string }) {
    const res = await persist(this.fs, 'PUT /shipments/:id/status', () =>
      this.call('PUT', `/shipments/${shipmentId}/status`, { body, admin: true }),
    )
    const now =
      res.status === 409
        ? await persist(this.fs, 'GET /shipments/:orderId', () => this.call('GET', `/shipments/${order.id}`, { admin: true }))
        : res
    if (now.status === 200 && now.body.status === body.status) return true
    this.anomaly(order, `shipment → ${body.status}: ${short(res)}`)
    return false
  }

  /**
   * Orders this customer has but never heard of (a twin from a rotated key, or an answer
   * lost with a killed process): an unpaid one is cancelled and recorded.
   */
  async adoptStrays(): Promise<number> {
    const known = new Set(this.out.orders.map((o) => o.id))
    const res = await persist(this.fs, 'GET /orders', () => this.call('GET', '/orders?limit=100'))
    if (res.status !== 200) throw new Error(`GET /orders → ${short(res)}`)
    let adopted = 0
    for (const o of res.body.items as { id: string; status: string; total: number; items: OrderRecord['lines'] }[]) {
      if (known.has(o.id)) continue
      const lines = o.items.map((i) => ({ productId: i.productId, quantity: i.quantity }))
      const order: OrderRecord = { id: o.id, userId: this.c.userId, plan: 'adopted', total: o.total, lines, expected: 'PENDING_PAYMENT', net: 0 }
      this.out.orders.push(order)
      adopted++
      if (o.status === 'PENDING_PAYMENT') await this.cancel(order)
      else if (o.status === 'CANCELLED') order.expected = 'CANCELLED'
      else this.anomaly(order, `an order nobody paid is ${o.status}`)
    }
    return adopted
  }
}

export interface Stream {
  products: ProductRef[]
  /** Resolves once every customer has finished the story it was playing when time ran out. */
  done: Promise<StreamResult>
  /** Cancels and records orders the customers hold without knowing (see Session.adoptStrays). */
  adoptStrays(): Promise<number>
}

/** Starts the customers; each plays random stories until `durationMs` has passed. */
export function startStream(
  fs: FaultShop,
  opts: { customers: Customer[]; products: ProductRef[]; durationMs: number; seed: number; plans?: Partial<Record<Plan, number>> },
): Stream {
  const out: StreamResult = { orders: [], refused: 0, anomalies: [], plans: {} }
  const weighted = Object.entries(opts.plans ?? PLANS) as [Plan, number][]
  const deadline = Date.now() + opts.durationMs
  const sessions = opts.customers.map((c) => new Session(fs, c, seeded(opts.seed * 7919 + c.index), opts.products, out))
  const rngs = opts.customers.map((c) => seeded(opts.seed * 104_729 + c.index))
  const done = Promise.all(
    sessions.map(async (s, i) => {
      while (Date.now() < deadline) {
        const plan = pick(rngs[i], weighted)
        // A story that throws is an anomaly the verdict reports, never a rejection nobody awaits yet.
        await s.play(plan).catch((err: unknown) => out.anomalies.push(`customer ${i}, ${plan}: ${String(err)}`))
        await sleep(50 + Math.floor(rngs[i]() * 150))
      }
    }),
  ).then(() => out)
  return {
    products: opts.products,
    done,
    adoptStrays: async () => (await Promise.all(sessions.map((s) => s.adoptStrays()))).reduce((a, b) => a + b, 0),
  }
}

/**
 * Fresh customers and products for one fault (so the stream knows every order its
 * customers hold and every unit its products sold), then the stream itself.
 */
export async function beginStream(
  fs: FaultShop,
  opts: { seed: number; durationMs: number; customers?: number; plans?: Partial<Record<Plan, number>> },
): Promise<Stream> {
  const [customers, products] = await Promise.all([registerCustomers(fs, opts.customers ?? 5), createProducts(fs, 4, 400)])
  console.info(`[fault] stream seed ${opts.seed}: ${customers.length} customers, ${opts.durationMs} ms`)
  return startStream(fs, { customers, products, durationMs: opts.durationMs, seed: opts.seed, plans: opts.plans })
}
