// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest'
import type { Session } from '@shop/client'
import { browserSessionStore, onSessionElsewhere } from './session-store.ts'

afterEach(() => localStorage.clear())

describe("the browser's session store", () => {
  it('keeps only that this browser signed in, never a token, and hands back a session for the cookie to renew', () => {
    browserSessionStore.save({ accessToken: 'access-secret', refreshToken: '' })
    expect({ ...localStorage }).toEqual({ 'shop.session': JSON.stringify({ signedIn: true }) })
    expect(browserSessionStore.load()).toEqual({ accessToken: '', refreshToken: '' })
    browserSessionStore.save(null)
    expect(localStorage.length).toBe(0)
    expect(browserSessionStore.load()).toBeNull()
  })

  it('hands back a refresh token an earlier version stored, once: saving the session it brings overwrites it', () => {
    localStorage.setItem('shop.session', JSON.stringify({ refreshToken: 'kept-from-before' }))
    expect(browserSessionStore.load()).toEqual({ accessToken: '', refreshToken: 'kept-from-before' })
    browserSessionStore.save({ accessToken: 'a', refreshToken: '' })
    expect(localStorage.getItem('shop.session')).not.toContain('kept-from-before')
  })

  it('treats anything else in the slot as signed out', () => {
    for (const junk of ['not json', 'null', '{"signedIn":"yes"}', '{"refreshToken":7}']) {
      localStorage.setItem('shop.session', junk)
      expect(browserSessionStore.load(), junk).toBeNull()
    }
  })

  it("hears another tab sign in and out (the storage event other tabs get), and nothing else's changes", () => {
    const heard: (Session | null)[] = []
    const stop = onSessionElsewhere((s) => heard.push(s))
    const elsewhere = (key: string | null) => window.dispatchEvent(new StorageEvent('storage', { key }))
    localStorage.setItem('shop.session', JSON.stringify({ signedIn: true }))
    elsewhere('shop.session')
    elsewhere('shop.cart.guest')
    localStorage.clear()
    elsewhere(null)
    stop()
    elsewhere('shop.session')
    expect(heard).toEqual([{ accessToken: '', refreshToken: '' }, null])
  })
})
