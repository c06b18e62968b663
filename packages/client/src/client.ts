import createClient from 'openapi-fetch'
import { problemOf } from './errors.ts'
import type { paths } from './schema.ts'
import { type SessionStore, createTransport } from './transport.ts'
import type * as T from './types.ts'
import { followOrder } from './order-stream.ts'

export interface ShopClientOptions {
  /** The gateway's origin, e.g. `http://localhost:8080` ('' for the page's own origin). */
  baseUrl: string
  store?: SessionStore
  fetch?: typeof fetch
  retries?: number
  onSessionChange?: Parameters<typeof createTransport>[0]['onSessionChange']
  sleep?: (ms: number) => Promise<void>
  exclusive?: Parameters<typeof createTransport>[0]['exclusive']
  refreshCookie?: boolean
}

/** A fresh Idempotency-Key; a caller keeps one per logical action so a retry reuses it. */
export function newIdempotencyKey(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto
  if (c?.randomUUID) return c.randomUUID()
  // React Native without a crypto polyfill: a key must be unique, not secret, so 122 random bits do
  const hex = Array.from({ length: 16 }, () => Math.floor(Math.random() * 256))
  hex[6] = (hex[6] & 0x0f) | 0x40
  hex[8] = (hex[8] & 0x3f) | 0x80
  const h = hex.map((b) => b.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/**
 * The shop's public API, typed from its OpenAPI document. Every method resolves with the
 * answer's body or throws an ApiError carrying the problem's stable `code`.
 */
export function createShopClient(opts: ShopClientOptions) {
  const transport = createTransport(opts)
  // openapi-fetch builds typed requests; the transport sends them under its policies.
  const api = createClient<paths>({ baseUrl: opts.baseUrl, fetch: (req: Request) => transport.send(req) })

  async function unwrap<D>(p: Promise<{ data?: D; error?: unknown; response: Response }>): Promise<D> {
    // openapi-fetch has read the body: a problem arrives parsed as `error`
    const { data, error, response } = await p
    if (!response.ok) throw problemOf(response, error)
    return data as D
  }
  // With refreshCookie the answer carries no refresh token: the gateway's cookie holds it.
  const started = async <S extends { accessToken: string; refreshToken?: string }>(s: S): Promise<S> => {
    await transport.setSession({ accessToken: s.accessToken, refreshToken: s.refreshToken ?? '' })
    return s
  }
  const key = (k?: string) => ({ 'idempotency-key': k ?? newIdempotencyKey() })

  return {
    transport,
    session: () => transport.session(),
    auth: {
      async register(body: T.RegisterInput) {
        return started(await unwrap(api.POST('/v1/auth/register', { body })))
      },
      async login(email: string, password: string) {
        return started(await unwrap(api.POST('/v1/auth/login', { body: { email, password } })))
      },
      /** Signs out here and on the server; the local session ends even when the server is unreachable. */
      async logout() {
        const s = await transport.session()
        try {
          if (s) await unwrap(api.POST('/v1/auth/logout', { body: s.refreshToken ? { refreshToken: s.refreshToken } : {} }))
        } finally {
          await transport.setSession(null)
        }
      },
      profile: () => unwrap(api.GET('/v1/auth/profile')),
      updateProfile: (body: T.ProfileUpdate) => unwrap(api.PUT('/v1/auth/profile', { body })),
      /** Every other session of the user is signed out; this one goes on. */
      changePassword: async (currentPassword: string, newPassword: string): Promise<void> => {
        await unwrap(api.PUT('/v1/auth/password', { body: { currentPassword, newPassword } }))
      },
    },
    products: {
      list: (query: T.ProductListQuery = {}) =>
        unwrap(api.GET('/v1/products', { params: { query: { limit: 20, ...query } } })),
      get: (id: string) => unwrap(api.GET('/v1/products/{id}', { params: { path: { id } } })),
      /** Products whose name holds what was typed (a part of a word, Korean or English), for suggestions as one types. */
      suggest: (q: string, limit = 8) => unwrap(api.GET('/v1/products/suggest', { params: { query: { q, limit } } })),
      create: (body: T.ProductInput) => unwrap(api.POST('/v1/products', { body })),
      /** With `version`, the update applies only to that version (409 conflict when someone saved meanwhile). */
      update: (id: string, body: T.ProductUpdate, version?: number) =>
        unwrap(
          api.PUT('/v1/products/{id}', {
            params: { path: { id } },
            body,
            headers: version === undefined ? {} : { 'if-match': `"${version}"` },
          }),
        ),
      remove: (id: string) => unwrap(api.DELETE('/v1/products/{id}', { params: { path: { id } } })),
      setStock: (id: string, onHand: number) =>
        unwrap(api.PUT('/v1/products/{id}/stock', { params: { path: { id } }, body: { onHand } })),
    },
    categories: {
      list: () => unwrap(api.GET('/v1/categories')),
      create: (body: T.CategoryInput) => unwrap(api.POST('/v1/categories', { body })),
      /** Rename (name, slug) or move (parentId; null for the top level). */
      update: (id: string, body: T.CategoryUpdate) => unwrap(api.PUT('/v1/categories/{id}', { params: { path: { id } }, body })),
    },
    orders: {
      place: (body: T.PlaceOrderInput, idempotencyKey?: string) =>
        unwrap(api.POST('/v1/orders', { body, params: { header: key(idempotencyKey) } })),
      list: (query: T.OrderListQuery = {}) => unwrap(api.GET('/v1/orders', { params: { query: { limit: 20, ...query } } })),
      get: (id: string) => unwrap(api.GET('/v1/orders/{id}', { params: { path: { id } } })),
      cancel: (id: string, reason?: string) =>
        unwrap(api.PUT('/v1/orders/{id}/cancel', { params: { path: { id } }, body: reason ? { reason } : {} })),
      /** Follows an order's changes (server-sent events) until it settles or `signal` aborts. */
      follow: (id: string, onOrder: (order: T.Order) => void, signal?: AbortSignal) =>
        followOrder(transport, id, onOrder, signal),
    },
    payments: {
      methods: () => unwrap(api.GET('/v1/payments/methods')),
      pay: (body: T.PayInput, idempotencyKey?: string) =>
        unwrap(api.POST('/v1/payments', { body, params: { header: key(idempotencyKey) } })),
      get: (id: string) => unwrap(api.GET('/v1/payments/{id}', { params: { path: { id } } })),
      refund: (id: string, body: T.RefundInput) =>
        unwrap(api.POST('/v1/payments/{id}/refund', { params: { path: { id } }, body })),
    },
    shipping: {
      quote: (subtotal: number, postalCode: string) =>
        unwrap(api.POST('/v1/shipping/quote', { body: { subtotal, postalCode } })),
      shipment: (orderId: string) => unwrap(api.GET('/v1/shipments/{orderId}', { params: { path: { orderId } } })),
      updateStatus: (id: string, body: T.ShipmentUpdate) =>
        unwrap(api.PUT('/v1/shipments/{id}/status', { params: { path: { id } }, body })),
      track: (trackingNumber: string) =>
        unwrap(api.GET('/v1/shipments/tracking/{trackingNumber}', { params: { path: { trackingNumber } } })),
    },
    users: {
      setRoles: (id: string, roles: ('customer' | 'admin')[]) =>
        unwrap(api.PUT('/v1/auth/users/{id}/roles', { params: { path: { id } }, body: { roles } })),
    },
    admin: {
      audit: () => unwrap(api.GET('/v1/admin/audit')),
      replayDeadLetters: (service: string) =>
        unwrap(api.POST('/v1/admin/dlq/{service}/replay', { params: { path: { service } } } as never)),
    },
    // --- admin console (#14)
    console: {
      /** Orders, sales and refunds per Korea-time day, `from`..`to` (dates, at most 92 days). */
      orderSummary: (from: string, to: string) => unwrap(api.GET('/v1/orders/summary', { params: { query: { from, to } } })),
      /** Everyone's orders, newest first, by status, customer, Korea-time dates and order id prefix. */
      orders: (query: T.AdminOrderQuery = {}) => unwrap(api.GET('/v1/orders', { params: { query: { limit: 20, ...query } } })),
      /** The fulfilment queue (oldest first) or shipments in another status. */
      shipments: (query: T.ShipmentQuery = {}) => unwrap(api.GET('/v1/shipments', { params: { query: { limit: 20, ...query } } })),
      /** Users whose email contains `q`, with masked names. */
      users: (query: T.UserQuery = {}) => unwrap(api.GET('/v1/auth/users', { params: { query: { limit: 20, ...query } } })),
    },
    // --- end admin console
  }
}

export type ShopClient = ReturnType<typeof createShopClient>
