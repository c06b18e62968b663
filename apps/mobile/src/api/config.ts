import { Platform } from 'react-native'

/** The embedded shop on the same machine (`npm start`), when nothing else is said. */
export const DEFAULT_API_URL = 'http://localhost:8080'

/**
 * The shop's API origin. On a phone it comes from EXPO_PUBLIC_API_URL (inlined at bundle
 * time, e.g. `http://192.168.0.10:8080`). A web build can also be pointed at a shop when it
 * is served, without rebuilding: `<meta name="shop-api-url" content="https://...">` in its
 * index.html (set by whoever serves the files, never by a link a stranger could send).
 */
export function apiBaseUrl(): string {
  if (Platform.OS === 'web' && typeof document !== 'undefined') {
    const meta = document.querySelector('meta[name="shop-api-url"]')?.getAttribute('content')?.trim()
    if (meta) return meta.replace(/\/+$/, '')
  }
  return (process.env.EXPO_PUBLIC_API_URL?.trim() || DEFAULT_API_URL).replace(/\/+$/, '')
}

/** Product images are stored as paths on the shop (`/media/...`); a phone needs the full address. */
export function imageUrl(base: string, path: string | undefined): string | undefined {
  if (!path) return undefined
  return /^https?:\/\//.test(path) ? path : `${base}${path.startsWith('/') ? '' : '/'}${path}`
}
