import { DomainError, type FieldError, InvalidState, NotFound, ValidationFailed } from '@shop/platform/errors'

/** The order service's errors; the platform turns each into application/problem+json. */

/** Unknown, or another user's: both are 404 so ids leak nothing (API.md). */
export class OrderNotFound extends NotFound {
  constructor(orderId: string) {
    super(`order ${orderId} does not exist`)
  }
}

export class OrderNotCancellable extends InvalidState {
  constructor(orderId: string, reason: string) {
    super(`order ${orderId}: ${reason}`)
  }
}

export const invalidCursor = (): ValidationFailed =>
  new ValidationFailed([{ path: 'cursor', message: 'is not a cursor from this list' }])

export const invalidItems = (errors: FieldError[]): ValidationFailed => new ValidationFailed(errors)

interface ProblemBody {
  code?: unknown
  title?: unknown
  detail?: unknown
  errors?: unknown
}

/**
 * An upstream's 4xx problem answered to our caller as is (insufficient_stock, a
 * validation error on one of the items), or undefined when the answer is not a problem.
 */
export function relayedProblem(status: number, body: unknown): DomainError | undefined {
  const p = (body ?? {}) as ProblemBody
  if (status < 400 || status >= 500 || typeof p.code !== 'string' || typeof p.title !== 'string') return undefined
  const errors = Array.isArray(p.errors)
    ? (p.errors as FieldError[]).filter((e) => typeof e?.path === 'string' && typeof e?.message === 'string')
    : undefined
  return new DomainError({
    status,
    code: p.code,
    title: p.title,
    detail: typeof p.detail === 'string' ? p.detail : undefined,
    ...(errors?.length ? { errors } : {}),
  })
}

/** An upstream answered something the contract does not allow: our bug or theirs, a 500 either way. */
export class UpstreamContractBroken extends Error {
  constructor(upstream: string, detail: string) {
    super(`${upstream} answered outside its contract: ${detail}`)
    this.name = 'UpstreamContractBroken'
  }
}
