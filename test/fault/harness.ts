import { randomUUID } from 'node:crypto'
import type { ProcessName } from '@shop/platform/runtime'
import pg from 'pg'
import { api, type ApiResponse } from '../e2e/client.ts'
import { type Shop, startDistributedShop } from '../e2e/shop.ts'

/**
 * The fault suite's shop: every service in its own process (startDistributedShop), an
 * admin session, read-only SQL on each service's database for the stream's own checks,
 * and `persist`, the way a well-behaved client retries through an outage.
 */

export type Client = ReturnType<typeof api>
export const DATABASES = ['auth', 'product', 'order', 'payment', 'shipping'] as const
export type DatabaseName = (typeof DATABASES)[number]

export interface ProductRef {
  id: string
  price: number
  initialStock: number
}

export interface FaultShop {
  shop: Shop
  client: Client
  adminToken: string
  /** One read-only query on a service's own database (a fresh connection, so it survives restarts). */
  query<R extends pg.QueryResultRow>(db: DatabaseName, sql: string, params?: unknown[]): Promise<R[]>
  /** Transient answers (status 0 = no connection) counted by path, for the test's report. */
  transient: Map<string, number>
  stop(): Promise<void>
}

/** Starts the distributed shop with `extraEnv` and logs the admin in. */
export async function startFaultShop(extraEnv: Record<string, string> = {}): Promise<FaultShop> {
  const shop = await startDistributedShop({ LOG_LEVEL: 'error', ...extraEnv })
  const client = api(shop.gatewayUrl)
  let adminToken: string
  try {
    adminToken = await client.login(shop.admin.email, shop.admin.password)
  } catch (err) {
    await shop.stop()
    throw err
  }
  return {
    shop,
    client,
    adminToken,
    transient: new Map(),
    async query<R extends pg.QueryResultRow>(db: DatabaseName, sql: string, params: unknown[] = []) {
      const conn = new pg.Client({ connectionString: shop.env[`${db.toUpperCase()}_DATABASE_URL`], connectionTimeoutMillis: 3000 })
      conn.on('error', () => {})
      await conn.connect()
      try {
        return (await conn.query<R>(sql, params)).rows
      } finally {
        await conn.end().catch(() => {})
      }
    },
    stop: () => shop.stop(),
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Answers a client treats as "try again": no connection, 5xx, and 429. */
const TRANSIENT = new Set([0, 429, 500, 502, 503, 504])
const inProgress = (res: ApiResponse) =>
  res.status === 409 && res.body?.code === 'conflict' && String(res.body?.detail).includes('Idempotency-Key is still in progress')

/**
 * Sends a request until it gets an answer that is not transient, the way a careful
 * client does through an outage: the same Idempotency-Key on every retry, so the server
 * can replay or resume. A key held by a request whose process died stays claimed for
 * the service's lease (a minute); after `rotateAfterMs` of that, a fresh key is used
 * (the caller must cope with a possible twin, as a real client would).
 */
export async function persist(
  fs: FaultShop,
  label: string,
  send: (key: string) => Promise<ApiResponse>,
  opts: { timeoutMs?: number; rotateAfterMs?: number } = {},
): Promise<ApiResponse> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000)
  let key = randomUUID()
  let keySince = Date.now()
  for (let delay = 150; ; delay = Math.min(1500, delay * 2)) {
    let res: ApiResponse
    try {
      res = await send(key)
    } catch (err) {
      res = { status: 0, body: String(err), headers: new Headers() }
    }
    const busyKey = inProgress(res)
    if (!TRANSIENT.has(res.status) && !busyKey) return res
    const tag = `${label} ${res.status}${busyKey ? ' key in progress' : ''}`
    fs.transient.set(tag, (fs.transient.get(tag) ?? 0) + 1)
    if (Date.now() > deadline) return res
    if (busyKey && opts.rotateAfterMs !== undefined && Date.now() - keySince > opts.rotateAfterMs) {
      key = randomUUID()
      keySince = Date.now()
    }
    await sleep(delay)
  }
}

/** Polls fn until it returns a truthy value; on timeout, throws with its last failure. */
export async function waitFor<T>(what: string, fn: () => Promise<T | false | null | undefined>, timeoutMs: number, everyMs = 300): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v) return v
      last = undefined
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await sleep(everyMs)
  }
}

/** Runs one fault and says how long it took (a restart's length is part of what was tested). */
export async function timed(label: string, fault: () => Promise<void>): Promise<void> {
  const started = Date.now()
  await fault()
  console.info(`[fault] ${label} took ${Date.now() - started} ms`)
}

/** SIGKILLs one service's process, keeps it down for `downMs`, and starts it again. */
export async function killAndRestart(fs: FaultShop, name: ProcessName, downMs: number): Promise<void> {
  await fs.shop.kill(name, 'SIGKILL')
  await sleep(downMs)
  await fs.shop.start(name)
}

/** Restarts one service gracefully with changed settings (the shop's env is what start() uses). */
export async function reconfigure(fs: FaultShop, name: ProcessName, env: Record<string, string | undefined>): Promise<void> {
  await fs.shop.kill(name, 'SIGTERM')
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete fs.shop.env[k]
    else fs.shop.env[k] = v
  }
  await fs.shop.start(name)
}

export interface Customer {
  index: number
  token: string
  userId: string
}

/** Registers `n` customers (before any fault, so registration is not what is tested). */
export async function registerCustomers(fs: FaultShop, n: number): Promise<Customer[]> {
  return Promise.all(Array.from({ length: n }, async (_, index) => ({ index, ...(await fs.client.register()) })))
}

/** `count` products at distinct prices with `stock` units each, created by the admin. */
export async function createProducts(fs: FaultShop, count: number, stock: number): Promise<ProductRef[]> {
  const { client, adminToken: token } = fs
  const category = await client.call('POST', '/categories', { token, body: { name: '장애 테스트', slug: `fault-${randomUUID().slice(0, 12)}` } })
  if (category.status !== 201) throw new Error(`category: ${category.status} ${JSON.stringify(category.body)}`)
  const out: ProductRef[] = []
  for (let i = 0; i < count; i++) {
    const price = 7_000 + i * 6_500
    const res = await client.call('POST', '/products', {
      token,
      body: { sku: `FLT-${randomUUID().slice(0, 12)}`, name: `장애 상품 ${i}`, description: 'fault suite', price, categoryId: category.body.id, stock },
    })
    if (res.status !== 201) throw new Error(`product: ${res.status} ${JSON.stringify(res.body)}`)
    out.push({ id: res.body.id, price, initialStock: stock })
  }
  return out
}

/** mulberry32: a seeded generator, so a failing run's plan sequence can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A value drawn from `weighted` in proportion to its weight. */
export function pick<T>(rng: () => number, weighted: [T, number][]): T {
  let r = rng() * weighted.reduce((s, [, w]) => s + w, 0)
  for (const [v, w] of weighted) if ((r -= w) < 0) return v
  return weighted[weighted.length - 1][0]
}
