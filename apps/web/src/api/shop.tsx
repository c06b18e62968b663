import { createShopClient, type Profile, type ShopClient } from '@shop/client'
import { QueryClient, useQuery, useQueryClient } from '@tanstack/react-query'
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react'
import { browserSessionStore, exclusiveAcrossTabs, onSessionElsewhere } from './session-store.ts'

const ClientContext = createContext<ShopClient | null>(null)

/** The shop client of this render (the browser's, or the server renderer's own). */
export function useShop(): ShopClient {
  const client = useContext(ClientContext)
  if (!client) throw new Error('useShop outside ShopClientProvider')
  return client
}

export function ShopClientProvider({ client, children }: { client: ShopClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>
}

/** The browser's client: same origin, refresh token in the gateway's HttpOnly cookie, refreshes serialised across tabs. */
export function createBrowserClient(): ShopClient {
  return createShopClient({
    baseUrl: window.location.origin,
    store: browserSessionStore,
    exclusive: exclusiveAcrossTabs,
    refreshCookie: true,
  })
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // the client already retried 503s and network errors with backoff
        retry: false,
        refetchOnWindowFocus: false,
      },
    },
  })
}

type AuthState = {
  /** 'unknown' until the browser has looked at its stored session (and always on the server). */
  status: 'unknown' | 'signedOut' | 'signedIn'
  user: Profile | null
  signedIn(): Promise<void>
  logout(): Promise<void>
}

const AuthContext = createContext<AuthState>({
  status: 'unknown',
  user: null,
  signedIn: async () => {},
  logout: async () => {},
})

export const useAuth = (): AuthState => useContext(AuthContext)

/** Who is signed in, from the stored session and the profile; the server always renders 'unknown'. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const client = useShop()
  const qc = useQueryClient()
  const [hasSession, setHasSession] = useState<boolean | null>(null)
  const forgetAccount = useCallback(() => {
    qc.removeQueries({ queryKey: ['profile'] })
    qc.removeQueries({ queryKey: ['orders'] })
    qc.removeQueries({ queryKey: ['order'] })
  }, [qc])
  useEffect(() => {
    let live = true
    void client.session().then((s) => live && setHasSession(Boolean(s)))
    // a refresh refused elsewhere (signed out on another device) ends the session here too
    const off = client.transport.onSessionChange((s) => setHasSession(Boolean(s)))
    // Another tab signed out, or signed in (perhaps as someone else): this one follows at once.
    // A sign-in starts this tab's session over, so its next request renews it by the cookie
    // the tabs share and the profile is read again.
    const offElsewhere = onSessionElsewhere((s) => {
      forgetAccount()
      void client.transport.setSession(s && { accessToken: '', refreshToken: s.refreshToken })
    })
    return () => {
      live = false
      off()
      offElsewhere()
    }
  }, [client, forgetAccount])
  const profile = useQuery({
    queryKey: ['profile'],
    queryFn: () => client.auth.profile(),
    enabled: hasSession === true,
    staleTime: 5 * 60_000,
  })
  const signedIn = useCallback(async () => {
    setHasSession(true)
    await qc.invalidateQueries({ queryKey: ['profile'] })
  }, [qc])
  const logout = useCallback(async () => {
    await client.auth.logout().catch(() => {})
    setHasSession(false)
    forgetAccount()
  }, [client, forgetAccount])
  const value = useMemo<AuthState>(() => {
    if (hasSession === null || (hasSession && profile.isPending)) return { status: 'unknown', user: null, signedIn, logout }
    if (!hasSession || profile.isError || !profile.data) return { status: 'signedOut', user: null, signedIn, logout }
    return { status: 'signedIn', user: profile.data, signedIn, logout }
  }, [hasSession, profile.isPending, profile.isError, profile.data, signedIn, logout])
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}
