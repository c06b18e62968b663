import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiError, createShopClient, newIdempotencyKey, parseEvents, type Session } from '../src/index.ts'

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void
let server: Server | undefined
const seen: { method: string; url: string; auth?: string; key?: string; cookieMode?: string; body: string }[] = []

async function serve(handler: Handler): Promise<string> {
  seen.length = 0
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        auth: req.headers.authorization,
        key: req.headers['idempotency-key'] as string,
        cookieMode: req.headers['x-refresh-cookie'] as string | undefined,
        body,
      })
      handler(req, body, res)
    })
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`
}
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())))

const json = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
  res.writeHead(status, { 'content-type': type })
  res.end(JSON.stringify(body))
}
const problem = (res: ServerResponse, status: number, code: string) =>
  json(res, status, { type: 'about:blank', title: code, status, code, detail: `english ${code}` }, 'application/problem+json')
const memoryStore = (initial: Session | null) => {
  let s = initial
  return { load: () => s, save: (n: Session | null) => void (s = n), get: () => s }
}
const noWait = async () => {}
const ORDER_ID = '00000000-0000-4000-8000-000000000001'
const ADDRESS = { recipient: '홍길동', phone: '010-1234-5678', postalCode: '06236', address1: '서울 강남구 테헤란로 1' }

describe('the client transport', () => {
  it('when the access token has expired, it refreshes once and repeats the request with the new token', async () => {
    const base = await serve((req, body, res) => {
      if (req.url === '/v1/auth/refresh') return json(res, 200, { accessToken: 'new', refreshToken: 'r2', expiresIn: 900 })
      if (req.headers.authorization === 'Bearer new') return json(res, 200, { id: 'u1', email: 'a@b.c', name: 'n', roles: [], addresses: [] })
      problem(res, 401, 'unauthorized')
    })
    const store = memoryStore({ accessToken: 'old', refreshToken: 'r1' })
    const client = createShopClient({ baseUrl: base, store, sleep: noWait })
    const [a, b] = await Promise.all([client.auth.profile(), client.auth.profile()])
    expect([a.id, b.id]).toEqual(['u1', 'u1'])
    expect(seen.filter((r) => r.url === '/v1/auth/refresh')).toHaveLength(1)
    expect(JSON.parse(seen.find((r) => r.url === '/v1/auth/refresh')!.body)).toEqual({ refreshToken: 'r1' })
    expect(store.get()).toEqual({ accessToken: 'new', refreshToken: 'r2' })
  })

  it('when the refresh token is refused, the session ends and the 401 reaches the caller', async () => {
    const base = await serve((_req, _body, res) => problem(res, 401, 'unauthorized'))
    const store = memoryStore({ accessToken: 'old', refreshToken: 'reused' })
    const ended: (Session | null)[] = []
    const client = createShopClient({ baseUrl: base, store, sleep: noWait, onSessionChange: (s) => ended.push(s) })
    const err = await client.auth.profile().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).code).toBe('unauthorized')
    expect(store.get()).toBeNull()
    expect(ended).toEqual([null])
    expect(seen.map((r) => r.url)).toEqual(['/v1/auth/profile', '/v1/auth/refresh'])
  })

  it('when the gateway answers 503, a keyed POST is sent again with the same Idempotency-Key', async () => {
    let calls = 0
    const base = await serve((req, _body, res) => {
      if (++calls < 3) {
        res.setHeader('retry-after', '1')
        return problem(res, 503, 'upstream_unavailable')
      }
      json(res, 201, { id: ORDER_ID })
    })
    const client = createShopClient({ baseUrl: base, store: memoryStore({ accessToken: 't', refreshToken: 'r' }), sleep: noWait })
    const order = await client.orders.place({ items: [{ productId: ORDER_ID, quantity: 1 }], shippingAddress: ADDRESS }, 'key-1')
    expect(order.id).toBe(ORDER_ID)
    expect(seen.map((r) => r.key)).toEqual(['key-1', 'key-1', 'key-1'])
    expect(new Set(seen.map((r) => r.body)).size).toBe(1)
  })

  it('when the connection breaks, the keyed request is retried with the same key and no second key is made', async () => {
    let calls = 0
    const base = await serve((req, _body, res) => {
      if (++calls === 1) return req.socket.destroy()
      json(res, 201, { id: ORDER_ID, status: 'COMPLETED' })
    })
    const client = createShopClient({ baseUrl: base, store: memoryStore({ accessToken: 't', refreshToken: 'r' }), sleep: noWait })
    await client.payments.pay({ orderId: ORDER_ID, amount: 1000, method: 'card', paymentToken: 'tok_success' })
    expect(seen).toHaveLength(2)
    expect(seen[0].key).toBeTruthy()
    expect(seen[1].key).toBe(seen[0].key)
  })

  it('a POST without a key (sign-in) is never repeated, and a network failure is an ApiError of code network', async () => {
    const base = await serve((req) => req.socket.destroy())
    const client = createShopClient({ baseUrl: base, sleep: noWait })
    const err = (await client.auth.login('a@b.c', 'x').catch((e: unknown) => e)) as ApiError
    expect(err.code).toBe('network')
    expect(seen).toHaveLength(1)
  })

  it('a problem answer becomes an ApiError with its code, field errors and Retry-After', async () => {
    const base = await serve((_req, _body, res) => {
      res.setHeader('retry-after', '7')
      res.writeHead(429, { 'content-type': 'application/problem+json' })
      res.end(JSON.stringify({ type: 'x', title: 'Too many', status: 429, code: 'rate_limited', errors: [{ path: '/q', message: 'm' }] }))
    })
    const err = (await createShopClient({ baseUrl: base, sleep: noWait }).products.list().catch((e: unknown) => e)) as ApiError
    expect([err.status, err.code, err.retryAfter, err.errors]).toEqual([429, 'rate_limited', 7, [{ path: '/q', message: 'm' }]])
  })

  it('an answer that is not JSON (a proxy page) still becomes an ApiError by its status', async () => {
    const base = await serve((_req, _body, res) => {
      res.writeHead(502, { 'content-type': 'text/html' })
      res.end('<html>bad gateway</html>')
    })
    const err = (await createShopClient({ baseUrl: base, sleep: noWait }).products.list().catch((e: unknown) => e)) as ApiError
    expect([err.status, err.code]).toEqual([502, 'internal'])
  })
})

describe('the client transport with the refresh token in the gateway\'s cookie', () => {
  // The stand-in answers as the gateway does when asked for the cookie: no refresh token in any body.
  const gatewayWithCookie = () =>
    serve((req, _body, res) => {
      if (req.url === '/v1/auth/login') return json(res, 200, { user: { id: 'u1', email: 'a@b.c', name: 'n', roles: [] }, accessToken: 'a1', expiresIn: 900 })
      if (req.url === '/v1/auth/refresh') return json(res, 200, { accessToken: 'a2', expiresIn: 900 })
      if (req.url === '/v1/auth/logout') {
        res.writeHead(204)
        return res.end()
      }
      if (req.headers.authorization === 'Bearer a2') return json(res, 200, { id: 'u1', email: 'a@b.c', name: 'n', roles: [], addresses: [] })
      problem(res, 401, 'unauthorized')
    })

  it('asks for the cookie on every auth call, never holds or stores a refresh token, refreshes and signs out by the cookie alone', async () => {
    const base = await gatewayWithCookie()
    const store = memoryStore(null)
    const client = createShopClient({ baseUrl: base, store, sleep: noWait, refreshCookie: true })
    await client.auth.login('a@b.c', 'pw')
    expect(store.get()).toEqual({ accessToken: 'a1', refreshToken: '' })
    // a1 has expired at the server: one refresh by the cookie, then the request again.
    expect((await client.auth.profile()).id).toBe('u1')
    expect(store.get()).toEqual({ accessToken: 'a2', refreshToken: '' })
    await client.auth.logout()
    expect(store.get()).toBeNull()
    expect(seen.map((r) => [r.url, r.cookieMode ?? null, r.body])).toEqual([
      ['/v1/auth/login', '1', JSON.stringify({ email: 'a@b.c', password: 'pw' })],
      ['/v1/auth/profile', null, ''],
      ['/v1/auth/refresh', '1', '{}'],
      ['/v1/auth/profile', null, ''],
      ['/v1/auth/logout', '1', '{}'],
    ])
  })

  it('a refresh token stored before the cookie is sent once, to move it into the cookie, and is then forgotten', async () => {
    const base = await gatewayWithCookie()
    const store = memoryStore({ accessToken: '', refreshToken: 'kept-from-before' })
    const client = createShopClient({ baseUrl: base, store, sleep: noWait, refreshCookie: true })
    expect((await client.auth.profile()).id).toBe('u1')
    expect(seen.map((r) => [r.url, r.cookieMode ?? null, r.body])).toEqual([
      ['/v1/auth/refresh', '1', JSON.stringify({ refreshToken: 'kept-from-before' })],
      ['/v1/auth/profile', null, ''],
    ])
    expect(store.get()).toEqual({ accessToken: 'a2', refreshToken: '' })
  })
})

describe('event stream parsing', () => {
  it('splits events, ignores comments and keeps an unfinished event for the next chunk', () => {
    const { events, rest } = parseEvents(': keep-alive\n\nevent: order\ndata: {"a":1}\n\nevent: order\ndata: {"a"')
    expect(events).toEqual([{ event: 'order', data: '{"a":1}' }])
    expect(rest).toBe('event: order\ndata: {"a"')
  })
})

describe('idempotency keys', () => {
  it('are UUIDs, and still are where the platform has no crypto.randomUUID (React Native without a polyfill)', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    expect(newIdempotencyKey()).toMatch(uuid)
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true })
    try {
      const keys = new Set(Array.from({ length: 1000 }, () => newIdempotencyKey()))
      expect(keys.size).toBe(1000)
      for (const k of keys) expect(k).toMatch(uuid)
    } finally {
      Object.defineProperty(globalThis, 'crypto', saved)
    }
  })
})
