import CircuitBreaker from 'opossum'
import type {
  CancelRequest,
  CancelResult,
  ConfirmRequest,
  ConfirmResult,
  LookupRequest,
  LookupResult,
  PaymentGatewayAdapter,
} from '../domain/payment-gateway.ts'

/**
 * Why a PG call has no answer. `sent: false` (the breaker is open) means the PG never
 * saw the request; `sent: true` (timeout, network error, 5xx) means it may have acted.
 */
export class PgUnavailable extends Error {
  constructor(
    readonly sent: boolean,
    message: string,
    readonly retryAfterSeconds = 5,
  ) {
    super(message)
    this.name = 'PgUnavailable'
  }
}

export interface PaymentGateway {
  readonly name: string
  confirm(req: ConfirmRequest): Promise<ConfirmResult>
  cancel(req: CancelRequest): Promise<CancelResult>
  lookup(req: LookupRequest): Promise<LookupResult>
  breakerOpen(): boolean
  close(): void
}

export interface PgClientOptions {
  timeoutMs: number
  breaker?: { errorThresholdPercentage?: number; resetTimeoutMs?: number; volumeThreshold?: number }
}

type Call<T> = (signal: AbortSignal) => Promise<T>

/**
 * Wraps an adapter with a bound on every call (the adapter's request is aborted, and
 * the caller is answered, when it passes) and one circuit breaker for the PG, so a sick
 * PG is failed fast. Declines are answers and do not count against the breaker.
 */
export function createPgClient(adapter: PaymentGatewayAdapter, opts: PgClientOptions): PaymentGateway {
  const resetTimeoutMs = opts.breaker?.resetTimeoutMs ?? 10_000

  const bounded = async (call: Call<unknown>): Promise<unknown> => {
    const abort = new AbortController()
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new PgUnavailable(true, `${adapter.name}: no answer within ${opts.timeoutMs} ms`)
        abort.abort(err)
        reject(err)
      }, opts.timeoutMs)
    })
    try {
      // Raced as well as aborted, so an adapter that ignores its signal still cannot hold the caller.
      return await Promise.race([call(abort.signal), timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  const breaker = new CircuitBreaker(bounded, {
    name: `pg-${adapter.name}`,
    timeout: false,
    errorThresholdPercentage: opts.breaker?.errorThresholdPercentage ?? 50,
    resetTimeout: resetTimeoutMs,
    volumeThreshold: opts.breaker?.volumeThreshold ?? 10,
    rollingCountTimeout: 10_000,
  })
  let openedAt = 0
  breaker.on('open', () => (openedAt = Date.now()))

  async function fire<T>(call: Call<T>): Promise<T> {
    try {
      return (await breaker.fire(call as Call<unknown>)) as T
    } catch (err) {
      if ((err as { code?: string }).code === 'EOPENBREAKER') {
        const retryAfter = Math.max(1, Math.ceil((openedAt + resetTimeoutMs - Date.now()) / 1000))
        throw new PgUnavailable(false, `${adapter.name}: circuit open`, retryAfter)
      }
      if (err instanceof PgUnavailable) throw err
      throw new PgUnavailable(true, `${adapter.name}: ${(err as Error).message}`)
    }
  }

  return {
    name: adapter.name,
    confirm: (req) => fire((signal) => adapter.confirm(req, signal)),
    cancel: (req) => fire((signal) => adapter.cancel(req, signal)),
    lookup: (req) => fire((signal) => adapter.lookup(req, signal)),
    breakerOpen: () => breaker.opened,
    close: () => breaker.shutdown(),
  }
}
