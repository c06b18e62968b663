import type { Session, SessionStore } from '@shop/client'

const KEY = 'shop.session'

/**
 * The browser's session store. The refresh token lives in the gateway's HttpOnly cookie
 * (the client's `refreshCookie`), out of reach of any script on the page; the access token
 * stays in memory. What is stored here is no secret: only that this browser signed in, so
 * that a new page asks for an access token (a refresh by the cookie) instead of showing
 * the shopper signed out. A refresh token an earlier version stored here is handed back
 * once, for the client to move into the cookie, and is overwritten right after.
 * Every tab shares the cookie, so refreshes are serialised with the Web Locks API: a
 * refresh token is single-use and a reuse would revoke the whole sign-in.
 */
export const browserSessionStore: SessionStore = {
  load() {
    try {
      const raw = localStorage.getItem(KEY)
      const parsed = raw ? (JSON.parse(raw) as { signedIn?: unknown; refreshToken?: unknown }) : null
      if (typeof parsed?.refreshToken === 'string') return { accessToken: '', refreshToken: parsed.refreshToken }
      return parsed?.signedIn === true ? { accessToken: '', refreshToken: '' } : null
    } catch {
      return null
    }
  },
  save(session: Session | null) {
    try {
      if (session) localStorage.setItem(KEY, JSON.stringify({ signedIn: true }))
      else localStorage.removeItem(KEY)
    } catch {
      // storage full or disabled: a new page starts signed out (the cookie is still there to sign in again)
    }
  },
}

/**
 * Calls `onChange` when another tab of this browser signs in (a session this tab can renew by
 * the cookie they share) or signs out (null): every open tab follows at once instead of
 * showing the old state until its next request. Returns the function that stops listening.
 */
export function onSessionElsewhere(onChange: (session: Session | null) => void): () => void {
  const onStorage = (e: StorageEvent) => {
    if (e.key === KEY || e.key === null) onChange(browserSessionStore.load() as Session | null)
  }
  window.addEventListener('storage', onStorage)
  return () => window.removeEventListener('storage', onStorage)
}

export function exclusiveAcrossTabs<R>(fn: () => Promise<R>): Promise<R> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
  return locks ? (locks.request('shop.session.refresh', fn) as Promise<R>) : fn()
}
