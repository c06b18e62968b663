import { createShopClient, type ShopClient } from '@shop/client'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { MemoryRouter } from 'react-router'
import { AuthProvider, ShopClientProvider } from '../api/shop.tsx'

type Answer = { status?: number; body?: unknown }
type Route = (req: Request) => Answer | undefined

/**
 * A shop client whose answers are canned per request (method and path), for component
 * tests; anything not answered is a 404 problem, so a test sees what the page asked for.
 */
export function cannedClient(routes: Record<string, Answer | Route>, signedIn = false): { client: ShopClient; calls: Request[] } {
  const calls: Request[] = []
  const client = createShopClient({
    baseUrl: 'http://shop.test',
    retries: 0,
    store: { load: () => (signedIn ? { accessToken: 'a', refreshToken: 'r' } : null), save: () => {} },
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = input instanceof Request ? input : new Request(input, init)
      calls.push(req.clone())
      const u = new URL(req.url)
      const route = routes[`${req.method} ${u.pathname}`]
      const answer = typeof route === 'function' ? route(req) : route
      if (!answer) {
        return new Response(JSON.stringify({ type: 'about:blank', title: 'Not found', status: 404, code: 'not_found' }), { status: 404, headers: { 'content-type': 'application/problem+json' } })
      }
      const status = answer.status ?? 200
      const problem = status >= 400
      return new Response(JSON.stringify(answer.body ?? {}), { status, headers: { 'content-type': problem ? 'application/problem+json' : 'application/json' } })
    }) as typeof fetch,
  })
  return { client, calls }
}

export function Providers({ client, children, path = '/' }: { client: ShopClient; children: ReactNode; path?: string }) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  return (
    <MemoryRouter initialEntries={[path]}>
      <ShopClientProvider client={client}>
        <QueryClientProvider client={qc}>
          <AuthProvider>{children}</AuthProvider>
        </QueryClientProvider>
      </ShopClientProvider>
    </MemoryRouter>
  )
}
