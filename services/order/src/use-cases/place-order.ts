import { randomUUID } from 'node:crypto'
import type { OrderView, PlaceOrderBody } from '@shop/contracts/order'
import type { AuthUser } from '@shop/platform/auth'
import { type PoolClient, withTransaction } from '@shop/platform/db'
import { UpstreamUnavailable } from '@shop/platform/errors'
import { createEvent } from '@shop/platform/events'
import { type IdempotencyClaim, type IdempotentResponse, requestFingerprint } from '@shop/platform/idempotency'
import { outboxRow } from '@shop/platform/outbox'
import type { OrderContext } from '../context.ts'
import { asStored, insertOrder } from '../data/order.repository.ts'
import { lockPurchases, unitsHeld } from '../data/purchase-cap.repository.ts'
import { toOrderView } from '../domain/order-view.ts'
import { checkRequestedItems, priceLines, subtotalOf } from '../domain/pricing.ts'
import { capBreaches, capEnabled, PurchaseLimitExceeded } from '../domain/purchase-cap.ts'
import { invalidItems, UpstreamContractBroken } from '../order.errors.ts'
import { releaseStock, reserveStock } from '../upstream/product.client.ts'

/** Who is ordering, and what to forward upstream so their calls carry the same identity and request id. */
export interface Caller {
  user: AuthUser
  requestId: string
}

// The reservation outlives the payment window, so the order's own sweeper (not the
// reservation's expiry) decides when unpaid stock goes back on sale.
const RESERVATION_GRACE_SECONDS = 300

const forwarded = (c: Caller): Record<string, string> => ({
  authorization: `Bearer ${c.user.token}`,
  'x-request-id': c.requestId,
})

/** Best effort: the product service's reservation sweeper is the safety net when this fails. */
async function release(ctx: OrderContext, orderId: string, headers: Record<string, string>, retry: boolean): Promise<void> {
  try {
    await releaseStock(ctx.product, orderId, headers, retry)
  } catch (err) {
    ctx.logger.warn({ orderId, err: (err as Error).message }, 'could not release the reservation; it will expire at product')
  }
}

/**
 * The per-user purchase cap. Without `client` it is an early, unlocked look that spares
 * the reservation of an order bound to be refused; with the order's transaction it locks
 * the (user, product) pairs first, so of two concurrent orders the second counts the first.
 */
async function enforcePurchaseCap(ctx: OrderContext, userId: string, items: PlaceOrderBody['items'], client?: PoolClient): Promise<void> {
  const cap = ctx.settings.purchaseCap
  if (!capEnabled(cap)) return
  const productIds = items.map((i) => i.productId)
  if (client) await lockPurchases(client, userId, productIds)
  const breaches = capBreaches(cap, await unitsHeld(client ?? ctx.pool, userId, productIds, cap.windowHours), items)
  if (breaches.length > 0) throw new PurchaseLimitExceeded(cap, breaches)
}

/**
 * POST /orders: reserve every line at product (prices come from its answer, never from
 * the client), price the shipping fee from the copy of shipping's fee rules (no call to
 * shipping per order), then in ONE statement (one transaction) insert the order (PENDING_PAYMENT until the payment window closes), its lines, its history,
 * the order.created event and, under an Idempotency-Key `claim`, the key's answer (so a
 * retry can never place a second order for a key whose first one committed). If anything
 * fails after the reservation, it is released: the purchase cap's locked check too (it
 * must run in the transaction that inserts).
 */
export async function placeOrder(ctx: OrderContext, caller: Caller, body: PlaceOrderBody, claim?: IdempotencyClaim): Promise<OrderView> {
  const problems = checkRequestedItems(body.items, ctx.settings.maxQuantityPerLine)
  if (problems.length > 0) throw invalidItems(problems)
  const orderId = randomUUID()
  const headers = forwarded(caller)
  const window = ctx.settings.paymentWindowSeconds
  await enforcePurchaseCap(ctx, caller.user.id, body.items)

  let reservation
  try {
    reservation = await reserveStock(
      ctx.product,
      { orderId, items: body.items.map((i) => ({ productId: i.productId, quantity: i.quantity })), ttlSeconds: window + RESERVATION_GRACE_SECONDS },
      headers,
    )
  } catch (err) {
    // The reservation may exist though its answer was lost: one attempt to release it,
    // not awaited so the caller's 503 is not held up by a product that is down.
    if (err instanceof UpstreamUnavailable || err instanceof UpstreamContractBroken) void release(ctx, orderId, headers, false)
    throw err
  }

  try {
    const lines = priceLines(body.items, reservation.items)
    const subtotal = subtotalOf(lines)
    const quote = await ctx.fees.quote({ subtotal, postalCode: body.shippingAddress.postalCode }, headers)
    const address = body.shippingAddress
    // One ciphertext serves the row and the event: both are sealed with the shared keyring.
    const sealed = ctx.cipher.encryptJson(address)
    const total = subtotal + quote.fee
    const createdAt = new Date()
    const expiresAt = new Date(createdAt.getTime() + window * 1000)
    const event = createEvent('order', 'order.created', {
      orderId,
      userId: caller.user.id,
      items: lines.map((l) => ({ productId: l.productId, quantity: l.quantity, unitPrice: l.unitPrice })),
      subtotal,
      shippingFee: quote.fee,
      total,
      currency: 'KRW',
      // PII never crosses the broker in clear: the address travels sealed with the shared keyring.
      shippingAddress: { postalCode: address.postalCode, sealed },
      expiresAt: expiresAt.toISOString(),
    })
    const order = {
      id: orderId,
      userId: caller.user.id,
      subtotal,
      shippingFee: quote.fee,
      total,
      addressEnc: sealed,
      createdAt,
      expiresAt,
      lines,
      event: outboxRow(event),
    }
    const view = toOrderView({ ...asStored(order), address }, caller.user.id)
    // The order, its event and the key's answer are one statement; only the purchase cap's
    // locked check needs a transaction around it.
    const answer = claim?.answerRow({ status: 201, body: view })
    if (capEnabled(ctx.settings.purchaseCap)) {
      await withTransaction(ctx.pool, async (client) => {
        await enforcePurchaseCap(ctx, caller.user.id, body.items, client)
        await insertOrder(client, order, answer)
      })
    } else {
      await insertOrder(ctx.pool, order, answer)
    }
    // Published at once by this request; the relay sends it only if that fails.
    ctx.publishCommitted([event])
    return view
  } catch (err) {
    await release(ctx, orderId, headers, true)
    throw err
  }
}

/**
 * placeOrder behind the Idempotency-Key (scope: the user): the same key and body replay
 * the first 201; the same key with another body is 422 idempotency_key_reuse. A failed
 * attempt stores nothing, so retrying it with the same key runs it again.
 */
export function placeOrderOnce(
  ctx: OrderContext,
  caller: Caller,
  key: string,
  body: PlaceOrderBody,
): Promise<IdempotentResponse<OrderView>> {
  const fingerprint = requestFingerprint({ method: 'POST', path: '/orders', body })
  return ctx.idempotency.run({ scope: caller.user.id, key, fingerprint }, async (claim) => ({
    status: 201,
    body: await placeOrder(ctx, caller, body, claim),
    answered: true,
  }))
}
