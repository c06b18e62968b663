import CircuitBreaker from 'opossum'
import { Pool } from 'undici'
import { UpstreamUnavailable } from './errors.ts'
import { injectTraceContext } from './telemetry.ts'

/**
 * The client for service-to-service calls: keep-alive connections, a timeout on every
 * attempt, retries with jittered backoff for idempotent calls only, and a circuit
 * breaker per upstream so a sick service is failed fast instead of piling up waiters.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'
export type BreakerState = 'closed' | 'open' | 'halfOpen'
export type ResponseHeaders = Record<string, string | string[] | undefined>

/** The slice of a pino logger the client uses. */
export interface ClientLogger {
  warn(obj: object, msg?: string): void
  info(obj: object, msg?: string): void
}

export interface ServiceClientOptions {
  /** The upstream's name, used in errors and logs (e.g. 'product'). */
  name: string
  baseUrl: string
  /** Bound on one attempt, response body included (default 2000). */
  timeoutMs?: number
  /** Extra attempts for idempotent calls (default 2). */
  retries?: number
  /** First backoff delay; doubles per retry, jittered (default 100). */
  retryBaseMs?: number
  breaker?: { errorThresholdPercentage?: number; resetTimeoutMs?: number; volumeThreshold?: number }
  logger?: ClientLogger
  /** Kept-alive connections to the upstream (default 32). */
  connections?: number
}

export interface ServiceRequest {
  method: HttpMethod
  path: string
  body?: unknown
  headers?: Record<string, string>
  /** Overrides the default: GET, PUT and DELETE are retried, POST is not. */
  idempotent?: boolean
}

export interface ServiceResponse<T> {
  status: number
  body: T
  headers: ResponseHeaders
}

export interface ServiceClient {
  /** Sends a JSON request; 2xx-4xx are answers, while network errors, timeouts and 5xx end in UpstreamUnavailable. */
  request<T = unknown>(r: ServiceRequest): Promise<ServiceResponse<T>>
  breakerState(): BreakerState
  close(): Promise<void>
}

/** A 5xx answer, thrown inside the breaker so it counts as a failure. */
class UpstreamStatus extends Error {
  constructor(readonly status: number) {
    super(`upstream answered ${status}`)
  }
}

interface Prepared {
  method: HttpMethod
  path: string
  headers: Record<string, string>
  body: string | undefined
}

const MAX_BACKOFF_MS = 2000
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

function parseBody(text: string, contentType: string | string[] | undefined): unknown {
  if (text.length === 0) return undefined
  if (String(contentType ?? '').includes('json')) {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}

/** Creates a client for one upstream service (one connection pool and one breaker). */
export function createServiceClient(opts: ServiceClientOptions): ServiceClient {
  const base = new URL(opts.baseUrl)
  const prefix = base.pathname.replace(/\/+$/, '')
  const timeoutMs = opts.timeoutMs ?? 2000
  const retries = Math.max(0, opts.retries ?? 2)
  const retryBaseMs = opts.retryBaseMs ?? 100
  const resetTimeoutMs = opts.breaker?.resetTimeoutMs ?? 10_000
  const pool = new Pool(base.origin, { connections: opts.connections ?? 32, keepAliveTimeout: 10_000 })

  const send = async (call: Prepared): Promise<ServiceResponse<unknown>> => {
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(new Error(`${opts.name}: no answer within ${timeoutMs} ms`)), timeoutMs)
    try {
      const res = await pool.request({
        method: call.method,
        path: call.path,
        headers: call.headers,
        body: call.body,
        signal: abort.signal,
      })
      const text = await res.body.text()
      if (res.statusCode >= 500) throw new UpstreamStatus(res.statusCode)
      return { status: res.statusCode, body: parseBody(text, res.headers['content-type']), headers: res.headers }
    } finally {
      clearTimeout(timer)
    }
  }

  // Opossum's own timeout would leave the request running; the abort above ends it.
  const breaker = new CircuitBreaker(send, {
    name: opts.name,
    timeout: false,
    errorThresholdPercentage: opts.breaker?.errorThresholdPercentage ?? 50,
    resetTimeout: resetTimeoutMs,
    volumeThreshold: opts.breaker?.volumeThreshold ?? 10,
    rollingCountTimeout: 10_000,
  })
  let openedAt = 0
  breaker.on('open', () => {
    openedAt = Date.now()
    opts.logger?.warn({ upstream: opts.name, resetTimeoutMs }, 'circuit breaker opened')
  })
  breaker.on('halfOpen', () => opts.logger?.info({ upstream: opts.name }, 'circuit breaker half-open'))
  breaker.on('close', () => opts.logger?.info({ upstream: opts.name }, 'circuit breaker closed'))

  const prepare = (r: ServiceRequest): Prepared => {
    const headers: Record<string, string> = { accept: 'application/json' }
    injectTraceContext(headers)
    // Explicit headers win over the injected trace context.
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v
    let body: string | undefined
    if (r.body !== undefined) {
      body = JSON.stringify(r.body)
      headers['content-type'] = 'application/json'
    }
    const path = `${prefix}${r.path.startsWith('/') ? '' : '/'}${r.path}`
    return { method: r.method, path, headers, body }
  }

  const openError = () => new UpstreamUnavailable(opts.name, Math.max(1, (openedAt + resetTimeoutMs - Date.now()) / 1000))

  return {
    async request<T>(r: ServiceRequest): Promise<ServiceResponse<T>> {
      const call = prepare(r)
      const attempts = (r.idempotent ?? r.method !== 'POST') ? retries + 1 : 1
      for (let attempt = 1; ; attempt++) {
        try {
          return (await breaker.fire(call)) as ServiceResponse<T>
        } catch (err) {
          if ((err as { code?: string }).code === 'EOPENBREAKER') throw openError()
          const reason = err instanceof UpstreamStatus ? { status: err.status } : { error: (err as Error).message }
          if (attempt >= attempts) {
            opts.logger?.warn({ upstream: opts.name, method: r.method, path: r.path, attempts: attempt, ...reason }, 'upstream call failed')
            throw new UpstreamUnavailable(opts.name)
          }
          const delay = Math.min(MAX_BACKOFF_MS, retryBaseMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2)
          opts.logger?.warn({ upstream: opts.name, method: r.method, path: r.path, attempt, delayMs: Math.round(delay), ...reason }, 'retrying upstream call')
          await sleep(delay)
        }
      }
    },
    breakerState: () => (breaker.opened ? 'open' : breaker.halfOpen ? 'halfOpen' : 'closed'),
    async close() {
      breaker.shutdown()
      await pool.close()
    },
  }
}
