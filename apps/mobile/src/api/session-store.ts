import type { Session, SessionStore } from '@shop/client'
import * as SecureStore from 'expo-secure-store'
import { Platform } from 'react-native'

const KEY = 'shop.refreshToken'

const fromRefresh = (refreshToken: string | null): Session | null => (refreshToken ? { accessToken: '', refreshToken } : null)

/**
 * Where the refresh token lives: the platform's keychain / keystore on a phone, the
 * browser's storage for the web build. The access token is never stored: it lives in the
 * client's memory and is renewed from the refresh token when the app starts again.
 */
export const deviceSessionStore: SessionStore =
  Platform.OS === 'web'
    ? {
        load: () => {
          try {
            return fromRefresh(globalThis.localStorage?.getItem(KEY) ?? null)
          } catch {
            return null
          }
        },
        save: (s) => {
          try {
            if (s) globalThis.localStorage?.setItem(KEY, s.refreshToken)
            else globalThis.localStorage?.removeItem(KEY)
          } catch {
            // storage disabled: the session lasts as long as the page
          }
        },
      }
    : {
        load: async () => fromRefresh(await SecureStore.getItemAsync(KEY).catch(() => null)),
        save: async (s) => {
          if (s) await SecureStore.setItemAsync(KEY, s.refreshToken)
          else await SecureStore.deleteItemAsync(KEY)
        },
      }

/** A store that forgets on restart (tests). */
export function memorySessionStore(initial: Session | null = null): SessionStore {
  let s = initial
  return { load: () => s, save: (next) => void (s = next) }
}
