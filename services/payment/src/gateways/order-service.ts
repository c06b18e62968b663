import { createServiceClient, type ServiceClient } from '@shop/platform/http-client'
import { Unauthorized, UpstreamUnavailable } from '@shop/platform/errors'
import { type Static, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

/** The part of the order service's order view (API.md "Orders") a payment is prepared from. */
const OrderSnapshot = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  status: Type.String(),
  total: Type.Integer({ minimum: 0 }),
  expiresAt: Type.String(),
})
export type OrderSnapshot = Static<typeof OrderSnapshot>

export interface OrderDirectory {
  /** The order as its owner (the bearer of `token`) sees it, or null when the order service says 404. */
  get(orderId: string, token: string): Promise<OrderSnapshot | null>
  close(): Promise<void>
}

/** Reads orders from the order service over HTTP (`GET /orders/:id`), forwarding the caller's token. */
export function createOrderDirectory(baseUrl: string, opts: { timeoutMs?: number; logger?: Parameters<typeof createServiceClient>[0]['logger'] } = {}): OrderDirectory {
  const client: ServiceClient = createServiceClient({ name: 'order', baseUrl, timeoutMs: opts.timeoutMs ?? 2000, retries: 1, logger: opts.logger })
  return {
    async get(orderId, token) {
      const res = await client.request<unknown>({
        method: 'GET',
        path: `/orders/${encodeURIComponent(orderId)}`,
        headers: { authorization: `Bearer ${token}` },
      })
      // A 403 reveals no more than a 404 would: either way this caller cannot pay that order.
      if (res.status === 404 || res.status === 403) return null
      if (res.status === 401) throw new Unauthorized()
      if (res.status !== 200 || !Value.Check(OrderSnapshot, res.body)) throw new UpstreamUnavailable('order')
      return res.body
    },
    close: () => client.close(),
  }
}
