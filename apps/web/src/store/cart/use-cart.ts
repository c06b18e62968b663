import { useCallback, useEffect, useSyncExternalStore } from 'react'
import { useAuth } from '../../api/shop.tsx'
import { type Cart, type CartLine, addLine, mergeCarts, parseCart, removeLine, setQuantity } from '@shop/storefront-core/cart'

const GUEST = 'guest'
const keyOf = (owner: string) => `shop.cart.${owner}`
const EMPTY: Cart = []
const listeners = new Set<() => void>()
const snapshots = new Map<string, { raw: string | null; cart: Cart }>()

function read(owner: string): Cart {
  const raw = localStorage.getItem(keyOf(owner))
  const cached = snapshots.get(owner)
  if (cached && cached.raw === raw) return cached.cart
  const cart = parseCart(raw)
  snapshots.set(owner, { raw, cart })
  return cart
}

function write(owner: string, cart: Cart): void {
  try {
    if (cart.length) localStorage.setItem(keyOf(owner), JSON.stringify(cart))
    else localStorage.removeItem(keyOf(owner))
  } catch {
    // storage full or disabled: the cart lives as long as the page
  }
  for (const l of listeners) l()
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  // another tab changed the cart
  const onStorage = (e: StorageEvent) => e.key?.startsWith('shop.cart.') && listener()
  window.addEventListener('storage', onStorage)
  return () => {
    listeners.delete(listener)
    window.removeEventListener('storage', onStorage)
  }
}

/**
 * The cart of whoever uses the browser now: a guest's, or the signed-in shopper's own
 * (kept per user, so a shared computer does not mix carts). Signing in brings the guest's
 * lines along. The server renders an empty cart; the browser fills it in after hydration.
 */
export function useCart() {
  const { status, user } = useAuth()
  const owner = status === 'signedIn' && user ? user.id : GUEST
  const cart = useSyncExternalStore(subscribe, () => read(owner), () => EMPTY)

  useEffect(() => {
    if (owner === GUEST) return
    const guest = read(GUEST)
    if (guest.length) {
      write(owner, mergeCarts(read(owner), guest))
      write(GUEST, [])
    }
  }, [owner])

  const update = useCallback((fn: (c: Cart) => Cart) => write(owner, fn(read(owner))), [owner])
  return {
    cart,
    ready: status !== 'unknown',
    add: useCallback((line: CartLine, max?: number) => update((c) => addLine(c, line, max)), [update]),
    setQuantity: useCallback((id: string, q: number, max?: number) => update((c) => setQuantity(c, id, q, max)), [update]),
    remove: useCallback((id: string) => update((c) => removeLine(c, id)), [update]),
    clear: useCallback(() => update(() => []), [update]),
  }
}
