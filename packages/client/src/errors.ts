/** Stable problem codes of API.md; a client branches on these, never on `detail`. */
export type ProblemCode =
  | 'validation_failed'
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'insufficient_stock'
  | 'invalid_state'
  | 'idempotency_key_reuse'
  | 'amount_mismatch'
  | 'rate_limited'
  | 'upstream_unavailable'
  | 'internal'
  | 'purchase_limit_exceeded'
  | 'tracking_number_taken'
  | 'payload_too_large'
  | 'unsupported_media_type'
  /** No answer at all: the network failed or the server is unreachable. */
  | 'network'

export interface FieldProblem {
  path: string
  message: string
}

/** An answer of application/problem+json (RFC 9457), or a network failure, as one error type. */
export class ApiError extends Error {
  readonly status: number
  readonly code: ProblemCode | (string & {})
  readonly title: string
  readonly detail?: string
  readonly errors: FieldProblem[]
  /** Seconds the server asked to wait (429, 503). */
  readonly retryAfter?: number

  constructor(init: { status: number; code: string; title: string; detail?: string; errors?: FieldProblem[]; retryAfter?: number }) {
    super(init.detail ?? init.title)
    this.name = 'ApiError'
    this.status = init.status
    this.code = init.code
    this.title = init.title
    this.detail = init.detail
    this.errors = init.errors ?? []
    this.retryAfter = init.retryAfter
  }

  is(code: ProblemCode): boolean {
    return this.code === code
  }
}

/** Whether a value is an ApiError, optionally of one code. */
export function isApiError(err: unknown, code?: ProblemCode): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code)
}

const FALLBACK_CODE: Record<number, ProblemCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_failed',
  429: 'rate_limited',
  503: 'upstream_unavailable',
}

/** Turns an error response into an ApiError, whatever its body (a proxy's HTML page included). */
export async function problemFrom(res: Response): Promise<ApiError> {
  let body: unknown = {}
  try {
    const text = await res.text()
    if (text) body = JSON.parse(text)
  } catch {
    // not JSON: the status alone says what happened
  }
  return problemOf(res, body)
}

/** An ApiError from a response whose body was already read (and parsed, when it was JSON). */
export function problemOf(res: Response, parsed: unknown): ApiError {
  const body = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>
  const retry = Number(res.headers.get('retry-after'))
  return new ApiError({
    status: res.status,
    code: typeof body.code === 'string' ? body.code : (FALLBACK_CODE[res.status] ?? 'internal'),
    title: typeof body.title === 'string' ? body.title : res.statusText || `HTTP ${res.status}`,
    detail: typeof body.detail === 'string' ? body.detail : undefined,
    errors: Array.isArray(body.errors) ? (body.errors as FieldProblem[]) : undefined,
    retryAfter: Number.isFinite(retry) && retry > 0 ? retry : undefined,
  })
}
