import type { ShopClient } from '@shop/client'
import { type QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { lazy, Suspense } from 'react'
import { Route, Routes } from 'react-router'
import { AuthProvider, ShopClientProvider } from './api/shop.tsx'
import { StoreRoutes } from './app.tsx'
import { Loading } from './ui/primitives.tsx'

// The admin console is its own chunk, loaded only at /admin: a shopper never downloads it.
const AdminApp = lazy(() => import('./admin/admin-app.tsx'))

/** Providers and the app's areas; the router itself is the caller's (browser or server). */
export function Root({ client, queryClient }: { client: ShopClient; queryClient: QueryClient }) {
  return (
    <ShopClientProvider client={client}>
      <QueryClientProvider client={queryClient}>
        <AuthProvider>
          <Routes>
            <Route
              path="/admin/*"
              element={
                <Suspense fallback={<Loading />}>
                  <AdminApp />
                </Suspense>
              }
            />
            <Route path="*" element={<StoreRoutes />} />
          </Routes>
        </AuthProvider>
      </QueryClientProvider>
    </ShopClientProvider>
  )
}
