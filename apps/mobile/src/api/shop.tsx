import { createShopClient, isApiError, type Profile, type ShopClient } from '@shop/client'
import { QueryClient, QueryClientProvider, useQuery, useQueryClient } from '@tanstack/react-query'
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import { apiBaseUrl } from './config.ts'
import { createReachability, type Reachability } from './reachability.ts'
import { deviceSessionStore } from './session-store.ts'

interface Shop {
  client: ShopClient
  baseUrl: string
  reachability: Reachability
}

const ShopContext = createContext<Shop | null>(null)

/** The app's client: the device's token store, the API base, reachability tracked on every request. */
export function createAppShop(baseUrl = apiBaseUrl(), fetchImpl: typeof fetch = (...a) => globalThis.fetch(...a)): Shop {
  const reachability = createReachability(fetchImpl)
  const client = createShopClient({ baseUrl, store: deviceSessionStore, fetch: reachability.fetch })
  return { client, baseUrl, reachability }
}

export function newQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { staleTime: 30_000, retry: (n, err) => n < 2 && !isApiError(err) } } })
}

/** Everything a screen reaches for: the shop client and the query cache. */
export function ShopProvider({ shop, queryClient, children }: { shop: Shop; queryClient: QueryClient; children: ReactNode }) {
  return (
    <ShopContext.Provider value={shop}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </ShopContext.Provider>
  )
}

function useShopContext(): Shop {
  const s = useContext(ShopContext)
  if (!s) throw new Error('ShopProvider is missing')
  return s
}

export const useShop = (): ShopClient => useShopContext().client
export const useApiBase = (): string => useShopContext().baseUrl

export function useOnline(): boolean {
  const { reachability } = useShopContext()
  return useSyncExternalStore(reachability.subscribe, reachability.online, reachability.online)
}

export type AuthState = { status: 'unknown' } | { status: 'signedOut' } | { status: 'signedIn'; user: Profile }

/**
 * Who is signed in: unknown until the stored refresh token was read, then the profile of
 * the session (renewed from the refresh token by the client) or signed out.
 */
export function useAuth(): AuthState & { signOut: () => Promise<void> } {
  const { client } = useShopContext()
  const qc = useQueryClient()
  const [hasSession, setHasSession] = useState<boolean | null>(null)
  useEffect(() => {
    let live = true
    void client.session().then((s) => live && setHasSession(Boolean(s)))
    const off = client.transport.onSessionChange((s) => {
      setHasSession(Boolean(s))
      if (!s) qc.removeQueries({ queryKey: ['profile'] })
    })
    return () => {
      live = false
      off()
    }
  }, [client, qc])
  const profile = useQuery({ queryKey: ['profile'], queryFn: () => client.auth.profile(), enabled: hasSession === true, staleTime: 5 * 60_000 })
  const signOut = async () => {
    await client.auth.logout().catch(() => {})
    qc.removeQueries({ queryKey: ['orders'] })
  }
  const state = useMemo((): AuthState => {
    if (hasSession === null) return { status: 'unknown' }
    if (!hasSession) return { status: 'signedOut' }
    if (profile.data) return { status: 'signedIn', user: profile.data }
    if (profile.isError && isApiError(profile.error, 'unauthorized')) return { status: 'signedOut' }
    return { status: 'unknown' }
  }, [hasSession, profile.data, profile.isError, profile.error])
  return { ...state, signOut }
}
