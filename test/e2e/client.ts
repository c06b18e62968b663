import { randomUUID } from 'node:crypto'

/** A small JSON client for journeys through the gateway. */
export interface ApiResponse<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any -- test client: bodies are checked by assertions
  status: number
  body: T
  headers: Headers
}

/** Whether a request may be sent again after its connection broke: it is safe or carries an Idempotency-Key. */
export function retrySafe(method: string, idempotencyKey: string | undefined): boolean {
  return ['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase()) || Boolean(idempotencyKey)
}

/** A connection that failed or broke before the whole answer came (refused, reset, closed), as undici reports it. */
function isNetworkError(err: unknown): boolean {
  return err instanceof TypeError && (err.message === 'fetch failed' || err.message === 'terminated')
}

/** How long a retry-safe request keeps trying through broken connections (a restarting gateway). */
const NETWORK_RETRY_MS = 30_000

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
    // A request in flight when the gateway dies loses its connection: as a real client does,
    // one that is safe to repeat is sent again (the same Idempotency-Key, so the server
    // replays or resumes it); any other is the caller's to judge.
    const deadline = Date.now() + NETWORK_RETRY_MS
    let res: Response
    let text: string
    for (let delay = 100; ; delay = Math.min(1000, delay * 2)) {
      try {
        res = await fetch(`${baseUrl}/v1${path}`, {
          method,
          headers,
          body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
          signal: AbortSignal.timeout(30_000),
        })
        text = await res.text()
        break
      } catch (err) {
        if (!isNetworkError(err) || !retrySafe(method, opts.idempotencyKey) || Date.now() > deadline) throw err
        await new Promise((r) => setTimeout(r, delay))
      }
    }
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
