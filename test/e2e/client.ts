import { randomUUID } from 'node:crypto'

/** A small JSON client for journeys through the gateway. */
export interface ApiResponse<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any -- test client: bodies are checked by assertions
  status: number
  body: T
  headers: Headers
}

export function api(baseUrl: string) {
  async function call<T = any>( // eslint-disable-line @typescript-eslint/no-explicit-any -- see above
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; idempotencyKey?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers }
    if (opts.token) headers.authorization = `Bearer ${opts.token}`
    if (opts.body !== undefined) headers['content-type'] = 'application/json'
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey
    const res = await fetch(`${baseUrl}/v1${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(30_000),
    })
    const text = await res.text()
    let body: unknown = text
    try {
      body = text ? JSON.parse(text) : null
    } catch {
      // not JSON
    }
    return { status: res.status, body: body as T, headers: res.headers }
  }
  return {
    call,
    get: <T = any>(path: string, token?: string) => call<T>('GET', path, { token }), // eslint-disable-line @typescript-eslint/no-explicit-any
    async login(email: string, password: string): Promise<string> {
      const res = await call('POST', '/auth/login', { body: { email, password } })
      if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`)
      return res.body.accessToken as string
    },
    /**
     * A new customer. A 503 (auth busy on a loaded machine) is retried after Retry-After
     * as the contract tells clients, under a fresh email: the first attempt may have
     * registered its email before the answer was lost.
     */
    async register(): Promise<{ token: string; userId: string; email: string }> {
      for (let attempt = 1; ; attempt++) {
        const email = `buyer-${randomUUID().slice(0, 8)}@shop.test`
        const res = await call('POST', '/auth/register', {
          body: { email, password: `Pw-${randomUUID()}`, name: '홍길동', phone: '010-1234-5678' },
        })
        if (res.status === 201) return { token: res.body.accessToken, userId: res.body.user.id, email }
        if (res.status !== 503 || attempt === 4) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`)
        await new Promise((r) => setTimeout(r, Math.min(Number(res.headers.get('retry-after') ?? 1), 2) * 1000))
      }
    },
  }
}

/** Polls until fn returns a truthy value; the last failure explains a timeout. */
export async function until<T>(what: string, fn: () => Promise<T | false | null | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v) return v
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await new Promise((r) => setTimeout(r, 150))
  }
}
