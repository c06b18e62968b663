import { FeeRules, quoteFromRules, type ShippingQuote, type ShippingQuoteRequest } from '@shop/contracts/shipping'
import type { ServiceClient } from '@shop/platform/http-client'
import type { Logger } from '@shop/platform/logger'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { UpstreamContractBroken } from '../order.errors.ts'

/**
 * The shipping fee of an order, from a copy of the shipping service's fee rules
 * (GET /internal/fee-rules, packages/contracts/src/shipping.ts) computed with the same
 * function as its public quote: no call to shipping per order.
 *
 * The rules are shipping's configuration and change only when shipping restarts with new
 * ones. The copy is used as it is for `ttlMs` after it was fetched; after that it is
 * fetched again in the background while the held copy still answers, up to `maxStaleMs`
 * old (so an order placed while shipping is down still has a fee). With no copy, or one
 * older than that, the order waits for the rules, and a shipping that cannot answer then
 * fails the order as a failed quote did (503 upstream_unavailable).
 */

const rulesCheck = TypeCompiler.Compile(FeeRules)
const RETRY_AFTER_FAILURE_MS = 1_000

export interface ShippingFeesOptions {
  /** How long a fetched copy is used without asking again (default 30 s). */
  ttlMs?: number
  /** The oldest copy still used while shipping cannot be asked (default 10 min). */
  maxStaleMs?: number
  logger?: Pick<Logger, 'warn'>
  now?: () => number
}

export interface ShippingFees {
  /** The fee for an order's subtotal and postal code (both already checked). */
  quote(input: ShippingQuoteRequest, headers: Record<string, string>): Promise<ShippingQuote>
}

export function createShippingFees(shipping: ServiceClient, opts: ShippingFeesOptions = {}): ShippingFees {
  const ttlMs = opts.ttlMs ?? 30_000
  const maxStaleMs = Math.max(ttlMs, opts.maxStaleMs ?? 600_000)
  const now = opts.now ?? Date.now
  let held: { rules: FeeRules; at: number } | undefined
  let fetching: Promise<FeeRules> | undefined
  /** When a background refresh last failed: the next one waits a second, not the next order. */
  let failedAt = -Infinity

  // One fetch at a time: the orders that need the rules meanwhile share it.
  const fetchRules = (headers: Record<string, string>): Promise<FeeRules> =>
    (fetching ??= (async () => {
      const res = await shipping.request<unknown>({ method: 'GET', path: '/internal/fee-rules', headers, idempotent: true })
      if (res.status !== 200) throw new UpstreamContractBroken('shipping', `fee rules answered ${res.status}`)
      if (!rulesCheck.Check(res.body)) throw new UpstreamContractBroken('shipping', 'fee rules body')
      held = { rules: res.body, at: now() }
      return res.body
    })().finally(() => {
      fetching = undefined
    }))

  async function rules(headers: Record<string, string>): Promise<FeeRules> {
    const age = held ? now() - held.at : Infinity
    if (held && age < ttlMs) return held.rules
    if (held && age < maxStaleMs) {
      if (now() - failedAt >= RETRY_AFTER_FAILURE_MS) {
        fetchRules(headers).catch((err: unknown) => {
          failedAt = now()
          opts.logger?.warn({ err: (err as Error).message, ageMs: age }, 'shipping fee rules could not be refreshed; the held copy still prices orders')
        })
      }
      return held.rules
    }
    return fetchRules(headers)
  }

  return {
    async quote(input, headers) {
      return quoteFromRules(await rules(headers), input)
    },
  }
}
