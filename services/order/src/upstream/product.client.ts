import { Reservation, type ReservationCreateBody } from '@shop/contracts/product'
import { ValidationFailed } from '@shop/platform/errors'
import type { ServiceClient } from '@shop/platform/http-client'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { relayedProblem, UpstreamContractBroken } from '../order.errors.ts'

/** The product service's internal reservations API (packages/contracts/src/product.ts). */

const reservationCheck = TypeCompiler.Compile(Reservation)

/**
 * Reserves every line or none. Safe to retry: product answers a repeat for the same
 * orderId with the same reservation. Refusals pass through (409 insufficient_stock);
 * an unreachable product is UpstreamUnavailable (503).
 */
export async function reserveStock(
  product: ServiceClient,
  body: ReservationCreateBody,
  headers: Record<string, string>,
): Promise<Reservation> {
  const res = await product.request<unknown>({ method: 'POST', path: '/internal/reservations', body, headers, idempotent: true })
  if (res.status === 200 || res.status === 201) {
    if (!reservationCheck.Check(res.body)) throw new UpstreamContractBroken('product', 'reservation body')
    return res.body
  }
  if (res.status === 404) {
    // Which line is unknown is not said on a 404: point at the items as a whole.
    const detail = (res.body as { detail?: unknown } | undefined)?.detail
    throw new ValidationFailed([{ path: '/items', message: typeof detail === 'string' ? detail : 'a product does not exist' }])
  }
  throw relayedProblem(res.status, res.body) ?? new UpstreamContractBroken('product', `status ${res.status}`)
}

/** Releases the order's reservation (idempotent at product); `retry` false for a single attempt. */
export async function releaseStock(
  product: ServiceClient,
  orderId: string,
  headers: Record<string, string>,
  retry = true,
): Promise<void> {
  const res = await product.request({
    method: 'POST',
    path: `/internal/reservations/${orderId}/release`,
    headers,
    idempotent: retry,
  })
  // 404: product never recorded it (the reserve call never landed); nothing to release.
  if (res.status >= 300 && res.status !== 404) throw new UpstreamContractBroken('product', `release answered ${res.status}`)
}
