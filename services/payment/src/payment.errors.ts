import { Conflict, DomainError, InvalidState, NotFound, UpstreamUnavailable } from '@shop/platform/errors'

/** The payment service's errors, each a DomainError with a stable code (API.md "Errors"). */

export class PaymentNotFound extends NotFound {
  constructor(what = 'No such payment') {
    super(what)
  }
}

export class AmountMismatch extends DomainError {
  constructor(expected: number, given: number) {
    super({
      status: 422,
      code: 'amount_mismatch',
      title: 'Amount mismatch',
      detail: `The order's total is ${expected} KRW, not ${given} KRW`,
    })
  }
}

export class NotPayable extends InvalidState {
  constructor(reason: string) {
    super(`This order cannot be paid: ${reason}`)
  }
}

export class NotRefundable extends InvalidState {
  constructor(reason: string) {
    super(`This payment cannot be refunded: ${reason}`)
  }
}

export class OverRefund extends Conflict {
  constructor(reason: string) {
    super(`The refund is more than remains: ${reason}`)
  }
}

export class RefundRefused extends Conflict {
  constructor(code: string, message: string) {
    super(`The payment gateway refused the refund (${code}): ${message}`)
  }
}

/** The PG could not be reached or did not answer in time. */
export class GatewayUnavailable extends UpstreamUnavailable {
  constructor(retryAfterSeconds = 5) {
    super('payment gateway', retryAfterSeconds)
  }
}
