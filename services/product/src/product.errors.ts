import { Conflict, DomainError, NotFound, ValidationFailed } from '@shop/platform/errors'

/** The product service's errors; the platform turns each into application/problem+json. */

export class ProductNotFound extends NotFound {
  constructor(productId: string) {
    super(`product ${productId} does not exist`)
  }
}

export class CategoryNotFound extends NotFound {
  constructor(id: string) {
    super(`category ${id} does not exist`)
  }
}

export class SkuTaken extends Conflict {
  constructor(sku: string) {
    super(`a product with sku ${sku} already exists`)
  }
}

export class SlugTaken extends Conflict {
  constructor(slug: string) {
    super(`a category with slug ${slug} already exists`)
  }
}

/** The If-Match version is not the current one (API.md has no 412; 409 conflict says it). */
export class VersionMismatch extends Conflict {
  constructor(productId: string, current: number) {
    super(`product ${productId} was modified by someone else (now at version ${current}); read it again and retry`)
  }
}

export class StockBelowReserved extends Conflict {
  constructor(productId: string, reserved: number) {
    super(`product ${productId}: on hand cannot go below the ${reserved} units reserved`)
  }
}

export class InsufficientStock extends DomainError {
  constructor(
    readonly productId: string,
    readonly available: number,
  ) {
    super({
      status: 409,
      code: 'insufficient_stock',
      title: 'Not enough stock',
      detail: `product ${productId}: ${available} left`,
    })
  }
}

export class ReservationNotFound extends NotFound {
  constructor(orderId: string) {
    super(`no reservation for order ${orderId}`)
  }
}

export class ReservationMismatch extends Conflict {
  constructor(orderId: string) {
    super(`order ${orderId} already holds a reservation for other items`)
  }
}

/** A field that points at something that does not exist (unknown category, deleted product). */
export const unknownReference = (path: string, what: string): ValidationFailed =>
  new ValidationFailed([{ path, message: `${what} does not exist` }])
