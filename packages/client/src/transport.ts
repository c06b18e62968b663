import { ApiError, problemFrom } from './errors.ts'

/**
 * What a signed-in client holds: the access token lives in memory, the refresh token in the
 * store, or with `refreshCookie` in the gateway's HttpOnly cookie, where it is '' here.
 */
export interface Session {
  accessToken: string
  refreshToken: string
}

/**
 * Where a platform keeps the refresh token (web: the browser's storage, phone: the secure
 * store). `load` may be asynchronous; the client reads it once, at its first request.
 */
export interface SessionStore {
  load(): Session | null | Promise<Session | null>
  save(session: Session | null): void | Promise<void>
}

export interface TransportOptions {
  baseUrl: string
  store?: SessionStore
  fetch?: typeof fetch
  /** Attempts after the first for a 503 or a network error, when a retry is safe (default 3). */
  retries?: number
  /** Called whenever the session starts, is renewed or ends (a refresh that failed included). */
  onSessionChange?: (session: Session | null) => void
  /** Waits between retries; tests pass a short one. */
  sleep?: (ms: number) => Promise<void>
  /**
   * Runs a refresh exclusively across every client sharing the store (the web passes the
   * Web Locks API, so two tabs never spend one refresh token twice: reuse revokes the family).
   */
  exclusive?: <R>(fn: () => Promise<R>) => Promise<R>
  /**
   * The refresh token goes in the gateway's HttpOnly cookie, never into this client's
   * memory or store (the web: a script injected into the page cannot take the sign-in
   * away). Auth calls ask for it with the `x-refresh-cookie` header; a refresh token still
   * held from before (the store's) is sent once and moves into the cookie.
   */
  refreshCookie?: boolean
}

const AUTH_ROUTES = /\/v1\/auth\/(login|register|refresh)$/
/** The calls whose answers set or clear the session cookie. */
const COOKIE_ROUTES = /\/v1\/auth\/(login|register|refresh|logout)$/
const COOKIE_HEADER = 'x-refresh-cookie'
const SAFE_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])

/**
 * The policies every request follows: the bearer token, one silent refresh on 401, and
 * retries of 503 and network errors for requests whose repetition is safe (idempotent
 * methods, or a POST that carries an Idempotency-Key, which a retry sends unchanged).
 */
export function createTransport(opts: TransportOptions) {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis)
  const retries = opts.retries ?? 3
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  let session: Session | null = null
  let loaded: Promise<void> | null = null
  let refreshing: Promise<boolean> | null = null
  const listeners = new Set<(session: Session | null) => void>()
  const changed = (next: Session | null) => {
    opts.onSessionChange?.(next)
    for (const l of listeners) l(next)
  }

  const ensureLoaded = (): Promise<void> =>
    (loaded ??= Promise.resolve(opts.store?.load() ?? null).then((s) => {
      // a session set meanwhile (sign-in before the first request) wins over the stored one
      if (!session) session = s
    }))

  async function setSession(next: Session | null): Promise<void> {
    session = next
    await opts.store?.save(next)
    changed(next)
  }

  async function refresh(): Promise<boolean> {
    const before = session
    if (!before) return false
    let current = before
    // Another client sharing the store may have rotated the token meanwhile: go on from its result.
    if (opts.exclusive && opts.store) {
      const stored = await opts.store.load()
      if (!stored) {
        session = null
        changed(null)
        return false
      }
      if (stored.refreshToken !== before.refreshToken) {
        if (stored.accessToken) {
          session = stored
          changed(stored)
          return true
        }
        current = stored
      }
    }
    try {
      const res = await doFetch(`${opts.baseUrl}/v1/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(opts.refreshCookie ? { [COOKIE_HEADER]: '1' } : {}) },
        body: JSON.stringify(current.refreshToken ? { refreshToken: current.refreshToken } : {}),
      })
      if (!res.ok) {
        // another tab may have rotated it meanwhile; only a still-current session is dropped
        if ((session === before || session === current) && (res.status === 401 || res.status === 400)) await setSession(null)
        return false
      }
      const body = (await res.json()) as Partial<Session> & { accessToken: string }
      await setSession({ accessToken: body.accessToken, refreshToken: body.refreshToken ?? '' })
      return true
    } catch {
      return false
    }
  }

  /** One refresh at a time, shared by every request that met the 401. */
  const refreshOnce = (): Promise<boolean> =>
    (refreshing ??= (opts.exclusive ? opts.exclusive(refresh) : refresh()).finally(() => {
      refreshing = null
    }))

  function withToken(req: Request): Request {
    const headers = new Headers(req.headers)
    const path = new URL(req.url).pathname
    if (session && !AUTH_ROUTES.test(path)) headers.set('authorization', `Bearer ${session.accessToken}`)
    if (opts.refreshCookie && COOKIE_ROUTES.test(path)) headers.set(COOKIE_HEADER, '1')
    return new Request(req, { headers })
  }

  /** Sends a request under the policies; answers the final Response (errors included). */
  async function send(original: Request): Promise<Response> {
    await ensureLoaded()
    const retryable = SAFE_METHODS.has(original.method) || original.headers.has('idempotency-key')
    let refreshed = false
    // A stored session starts with its refresh token alone: get an access token first.
    if (session && !session.accessToken && !AUTH_ROUTES.test(new URL(original.url).pathname)) await refreshOnce()
    for (let attempt = 0; ; attempt++) {
      const tokenUsed = session?.accessToken
      let res: Response
      try {
        res = await doFetch(withToken(original.clone()))
      } catch (err) {
        if ((err as Error).name === 'AbortError') throw err
        if (!retryable || attempt >= retries) {
          throw new ApiError({ status: 0, code: 'network', title: 'Network error', detail: (err as Error).message })
        }
        await sleep(backoff(attempt))
        continue
      }
      if (res.status === 401 && tokenUsed && !refreshed && !AUTH_ROUTES.test(new URL(original.url).pathname)) {
        refreshed = true
        // a request that raced a refresh already has a newer token to try
        if (session?.accessToken !== tokenUsed || (await refreshOnce())) {
          attempt--
          continue
        }
        return res
      }
      if (res.status === 503 && retryable && attempt < retries) {
        const after = Number(res.headers.get('retry-after'))
        await res.body?.cancel().catch(() => {})
        await sleep(Number.isFinite(after) && after > 0 ? Math.min(after * 1000, 5000) : backoff(attempt))
        continue
      }
      return res
    }
  }

  /** Sends and throws an ApiError for a non-2xx answer. */
  async function sendOk(req: Request): Promise<Response> {
    const res = await send(req)
    if (!res.ok) throw await problemFrom(res)
    return res
  }

  return {
    send,
    sendOk,
    setSession,
    /** The current session, after the store was read. */
    async session(): Promise<Session | null> {
      await ensureLoaded()
      return session
    },
    baseUrl: opts.baseUrl,
    /** Calls `listener` whenever the session starts, is renewed or ends; returns the unsubscribe. */
    onSessionChange(listener: (session: Session | null) => void): () => void {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

export type Transport = ReturnType<typeof createTransport>

const backoff = (attempt: number): number => Math.min(200 * 2 ** attempt, 2000) + Math.floor(Math.random() * 100)
