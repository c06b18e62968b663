import { randomUUID } from 'node:crypto'
import { type Shop, startDistributedShop } from '../../test/e2e/shop.ts'
import type { BenchContext } from './types.ts'

/**
 * The distributed shop the service scenarios share. Starting one takes ~15 s on a 2-core
 * machine, so the first scenario that needs it starts it and the next ones take it over.
 * A scenario does not know whether another will follow it in this run (filters decide),
 * so releasing the last lease stops the shop after a short grace instead of at once: a
 * following scenario's setup, which begins within milliseconds, cancels that stop. The
 * pending stop keeps the process alive, so a run that ends still stops the shop.
 */

/** Rate limits off (benchmarks only) and quiet logs: what every benchmark shop runs with. */
export const BENCH_SHOP_ENV: Record<string, string> = {
  RATE_LIMIT_PER_MINUTE: '0',
  USER_RATE_LIMIT_PER_MINUTE: '0',
  AUTH_RATE_LIMIT_PER_MINUTE: '0',
  LOGIN_MAX_FAILURES: '0',
  LOG_LEVEL: 'warn',
}

const GRACE_MS = 3000

let current: Promise<Shop> | undefined
let holders = 0
let stopTimer: NodeJS.Timeout | undefined
const fixtures = new WeakMap<Shop, Map<string, Promise<unknown>>>()

export interface ShopLease {
  shop: Shop
  /** Idempotent; teardown calls it whether or not setup got that far. */
  release(): void
}

/** Takes the shared shop, starting it when nobody holds one. */
export async function acquireShop(ctx: BenchContext): Promise<ShopLease> {
  if (stopTimer) clearTimeout(stopTimer)
  stopTimer = undefined
  if (!current) {
    ctx.log('starting the distributed shop (every service in its own process)')
    const starting = startDistributedShop(BENCH_SHOP_ENV)
    current = starting
    starting.catch(() => {
      if (current === starting) current = undefined
    })
  }
  holders++
  let released = false
  const release = () => {
    if (released) return
    released = true
    holders--
    if (holders === 0) scheduleStop()
  }
  try {
    return { shop: await current, release }
  } catch (err) {
    release()
    throw err
  }
}

function scheduleStop(): void {
  const shop = current
  if (!shop) return
  stopTimer = setTimeout(() => {
    stopTimer = undefined
    if (current === shop) current = undefined
    shop
      .then((s) => s.stop())
      .catch((err: unknown) => process.stderr.write(`stopping the benchmark shop failed: ${String(err)}\n`))
  }, GRACE_MS)
}

/** Runs `make` once per shop and key (seeding shared by several scenarios); a failed attempt is retried next time. */
export function shopFixture<T>(shop: Shop, key: string, make: () => Promise<T>): Promise<T> {
  let map = fixtures.get(shop)
  if (!map) fixtures.set(shop, (map = new Map()))
  let p = map.get(key) as Promise<T> | undefined
  if (!p) {
    p = make()
    map.set(key, p)
    p.catch(() => map.delete(key))
  }
  return p
}

/** JSON call for setup work (not measured); throws with the answer on an unexpected status. */
export async function call<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; idempotencyKey?: string; expect?: number } = {},
): Promise<T> {
  const headers: Record<string, string> = {}
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(30_000),
  })
  const text = await res.text()
  const expected = opts.expect ?? (method === 'POST' ? 201 : 200)
  if (res.status !== expected) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`)
  return (text ? JSON.parse(text) : null) as T
}

export interface Customer {
  email: string
  password: string
  token: string
  userId: string
}

/** Registers a customer through the gateway, keeping the password (login needs it). */
export async function registerCustomer(shop: Shop): Promise<Customer> {
  const email = `bench-${randomUUID().slice(0, 12)}@shop.test`
  const password = `Bench-${randomUUID()}`
  const res = await call<{ accessToken: string; user: { id: string } }>(shop.gatewayUrl, 'POST', '/v1/auth/register', {
    body: { email, password, name: '김벤치', phone: '010-1234-5678' },
  })
  return { email, password, token: res.accessToken, userId: res.user.id }
}

/** The bootstrap admin's access token. */
export async function adminToken(shop: Shop): Promise<string> {
  const res = await call<{ accessToken: string }>(shop.gatewayUrl, 'POST', '/v1/auth/login', {
    body: shop.admin,
    expect: 200,
  })
  return res.accessToken
}
