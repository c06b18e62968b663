import type { ShopClient } from '@shop/client'
import { type QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { Route, Routes } from 'react-router'
import { AuthProvider, ShopClientProvider } from './api/shop.tsx'
import { StoreRoutes } from './app.tsx'

/** Providers and the app's areas; the router itself is the caller's (browser or server). */
export function Root({ client, queryClient }: { client: ShopClient; queryClient: QueryClient }) {
  return (
    <ShopClientProvider client={client}>
      <QueryClientProvider client={queryClient}>
        <AuthProvider>
          <Routes>
            <Route path="*" element={<StoreRoutes />} />
          </Routes>
        </AuthProvider>
      </QueryClientProvider>
    </ShopClientProvider>
  )
}
