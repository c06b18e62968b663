import type { Session, SessionStore } from '@shop/client'

const KEY = 'shop.session'

/**
 * The browser's session store: the refresh token only (the access token stays in memory).
 * Every tab shares it, so refreshes are serialised with the Web Locks API: a refresh token
 * is single-use and a reuse would revoke the whole sign-in.
 */
export const browserSessionStore: SessionStore = {
  load() {
    try {
      const raw = localStorage.getItem(KEY)
      const parsed = raw ? (JSON.parse(raw) as { refreshToken?: unknown }) : null
      return typeof parsed?.refreshToken === 'string' ? { accessToken: '', refreshToken: parsed.refreshToken } : null
    } catch {
      return null
    }
  },
  save(session: Session | null) {
    try {
      if (session) localStorage.setItem(KEY, JSON.stringify({ refreshToken: session.refreshToken }))
      else localStorage.removeItem(KEY)
    } catch {
      // storage full or disabled: the session lasts as long as the page
    }
  },
}

export function exclusiveAcrossTabs<R>(fn: () => Promise<R>): Promise<R> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
  return locks ? (locks.request('shop.session.refresh', fn) as Promise<R>) : fn()
}
