import { createShopClient, type Session } from '@shop/client'
import { QueryClient } from '@tanstack/react-query'
import { act, render } from '@testing-library/react-native'
import type { ReactElement } from 'react'
import { createReachability } from '../../src/api/reachability.ts'
import { memorySessionStore } from '../../src/api/session-store.ts'
import { ShopProvider } from '../../src/api/shop.tsx'
import type { Cart } from '@shop/storefront-core/cart'
import { CartProvider, type CartStorage } from '../../src/cart/cart-store.tsx'

/** A canned answer: a body (200), a status and body, a problem code, never answering, or no network. */
export type Answer =
  | { status?: number; body?: unknown; problem?: string; sse?: unknown[] }
  | 'pending'
  | 'network'
  | ((req: Request, body: unknown) => Answer | Promise<Answer>)

export const problem = (code: string, status: number): Answer => ({ status, problem: code })

export interface Canned {
  /** Every request the client sent, in order: `GET /v1/products?limit=20`. */
  calls: string[]
  bodies: { call: string; body: unknown }[]
}

/**
 * The real typed client over a fetch that answers from a table of canned API answers
 * (`'GET /v1/products/:id'`), so a screen meets the answers a real shop gives.
 */
export function cannedFetch(routes: Record<string, Answer>, canned: Canned): typeof fetch {
  const table = Object.entries(routes).map(([key, answer]) => {
    const [method, path] = key.split(' ')
    return { method, re: new RegExp(`^${path.replace(/:[a-zA-Z]+/g, '[^/]+')}$`), answer }
  })
  return async (input, init) => {
    const req = input instanceof Request ? input : new Request(input, init)
    const url = new URL(req.url)
    const call = `${req.method} ${url.pathname}${url.search}`
    canned.calls.push(call)
    const text = req.method === 'GET' ? '' : await req.clone().text()
    const body = text ? JSON.parse(text) : undefined
    if (body !== undefined) canned.bodies.push({ call, body })
    const hit = table.find((r) => r.method === req.method && r.re.test(url.pathname))
    let answer: Answer = hit ? hit.answer : problem('not_found', 404)
    while (typeof answer === 'function') answer = await answer(req, body)
    if (answer === 'pending') return new Promise<Response>(() => {})
    if (answer === 'network') throw new TypeError('Network request failed')
    if (answer.sse) {
      const text = answer.sse.map((o) => `event: order\ndata: ${JSON.stringify(o)}\n\n`).join('')
      // like a real stream, it stays open after its events (until the screen lets go)
      const stream = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new TextEncoder().encode(text)) })
      return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream' } })
    }
    if (answer.problem) {
      const status = answer.status ?? 400
      return new Response(JSON.stringify({ type: 'about:blank', title: answer.problem, status, code: answer.problem }), {
        status,
        headers: { 'content-type': 'application/problem+json' },
      })
    }
    return new Response(JSON.stringify(answer.body ?? {}), { status: answer.status ?? 200, headers: { 'content-type': 'application/json' } })
  }
}

export function memoryCartStorage(cart: Cart = []): CartStorage & { saved: () => Cart } {
  let raw: string | null = cart.length ? JSON.stringify(cart) : null
  return {
    getItem: async () => raw,
    setItem: async (_k, v) => void (raw = v),
    saved: () => (raw ? (JSON.parse(raw) as Cart) : []),
  }
}

export const SIGNED_IN: Session = { accessToken: 'access-1', refreshToken: 'refresh-1' }

/** Renders a screen with the app's providers around a client given canned answers. */
export async function renderWithShop(ui: ReactElement, opts: { routes?: Record<string, Answer>; session?: Session | null; cart?: Cart } = {}) {
  const canned: Canned = { calls: [], bodies: [] }
  const reachability = createReachability(cannedFetch(opts.routes ?? {}, canned))
  const client = createShopClient({
    baseUrl: 'http://shop.test',
    store: memorySessionStore(opts.session ?? null),
    fetch: reachability.fetch,
    retries: 0,
    sleep: async () => {},
  })
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } } })
  const cartStorage = memoryCartStorage(opts.cart)
  const utils = render(
    <ShopProvider shop={{ client, baseUrl: 'http://shop.test', reachability }} queryClient={queryClient}>
      <CartProvider storage={cartStorage}>{ui}</CartProvider>
    </ShopProvider>,
  )
  // the cart is read from its storage first (asynchronously, as on a device)
  await act(async () => {})
  return { ...utils, canned, client, queryClient, cartStorage, reachability }
}
