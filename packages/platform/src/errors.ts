/**
 * The error catalogue. Every failure a client can see is a DomainError with a stable
 * `code`; the HTTP layer turns it into RFC 9457 application/problem+json.
 */
export interface FieldError {
  path: string
  message: string
}

export interface DomainErrorInit {
  status: number
  code: string
  title: string
  detail?: string
  errors?: FieldError[]
  /** Extra response headers (Retry-After, ...). */
  headers?: Record<string, string>
}

export class DomainError extends Error {
  readonly status: number
  readonly code: string
  readonly title: string
  readonly detail?: string
  readonly errors?: FieldError[]
  readonly headers?: Record<string, string>

  constructor(init: DomainErrorInit) {
    super(init.detail ?? init.title)
    this.name = new.target.name
    this.status = init.status
    this.code = init.code
    this.title = init.title
    this.detail = init.detail
    this.errors = init.errors
    this.headers = init.headers
  }
}

export class ValidationFailed extends DomainError {
  constructor(errors: FieldError[], detail = 'The request is not valid') {
    super({ status: 400, code: 'validation_failed', title: 'Validation failed', detail, errors })
  }
}

export class BadRequest extends DomainError {
  constructor(detail: string, code = 'bad_request') {
    super({ status: 400, code, title: 'Bad request', detail })
  }
}

export class Unauthorized extends DomainError {
  constructor(detail = 'Authentication is required') {
    super({ status: 401, code: 'unauthorized', title: 'Unauthorized', detail })
  }
}

export class Forbidden extends DomainError {
  constructor(detail = 'You are not allowed to do this') {
    super({ status: 403, code: 'forbidden', title: 'Forbidden', detail })
  }
}

export class NotFound extends DomainError {
  constructor(detail = 'Not found') {
    super({ status: 404, code: 'not_found', title: 'Not found', detail })
  }
}

export class Conflict extends DomainError {
  constructor(detail: string, code = 'conflict') {
    super({ status: 409, code, title: 'Conflict', detail })
  }
}

export class InvalidState extends DomainError {
  constructor(detail: string) {
    super({ status: 409, code: 'invalid_state', title: 'Invalid state', detail })
  }
}

export class PayloadTooLarge extends DomainError {
  constructor(detail = 'The request body is too large') {
    super({ status: 413, code: 'payload_too_large', title: 'Payload too large', detail })
  }
}

export class UnsupportedMediaType extends DomainError {
  constructor(detail = 'Unsupported content type') {
    super({ status: 415, code: 'unsupported_media_type', title: 'Unsupported media type', detail })
  }
}

export class IdempotencyKeyReuse extends DomainError {
  constructor() {
    super({
      status: 422,
      code: 'idempotency_key_reuse',
      title: 'Idempotency key reused',
      detail: 'This Idempotency-Key was already used with a different request',
    })
  }
}

export class RateLimited extends DomainError {
  constructor(retryAfterSeconds: number, detail = 'Too many requests') {
    super({
      status: 429,
      code: 'rate_limited',
      title: 'Too many requests',
      detail,
      headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    })
  }
}

export class UpstreamUnavailable extends DomainError {
  constructor(upstream: string, retryAfterSeconds = 5) {
    super({
      status: 503,
      code: 'upstream_unavailable',
      title: 'Upstream unavailable',
      detail: `${upstream} is not available right now`,
      headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    })
  }
}

export interface Problem {
  type: string
  title: string
  status: number
  detail?: string
  code: string
  instance?: string
  errors?: FieldError[]
}

/** The problem+json body for a DomainError; `type` points at the error catalogue. */
export function toProblem(err: DomainError, instance?: string): Problem {
  const p: Problem = {
    type: `https://shop.dev/problems/${err.code.replace(/_/g, '-')}`,
    title: err.title,
    status: err.status,
    detail: err.detail,
    code: err.code,
  }
  if (instance) p.instance = instance
  if (err.errors) p.errors = err.errors
  return p
}

export const internalProblem = (instance?: string): Problem => ({
  type: 'https://shop.dev/problems/internal',
  title: 'Internal server error',
  status: 500,
  detail: 'Something went wrong on our side',
  code: 'internal',
  ...(instance ? { instance } : {}),
})
