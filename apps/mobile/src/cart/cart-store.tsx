import AsyncStorage from '@react-native-async-storage/async-storage'
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react'
import { addLine, type Cart, type CartLine, parseCart, removeLine, setQuantity } from '@shop/storefront-core/cart'

/** Where the cart is kept between launches (AsyncStorage: the device's storage, localStorage on the web). */
export interface CartStorage {
  getItem(key: string): Promise<string | null>
  setItem(key: string, value: string): Promise<void>
}

const KEY = 'shop.cart'

interface CartApi {
  cart: Cart
  /** False until the stored cart was read: a screen waits rather than showing an empty cart. */
  ready: boolean
  add(line: CartLine, max?: number): void
  setQuantity(productId: string, quantity: number, max?: number): void
  remove(productId: string): void
}

const CartContext = createContext<CartApi | null>(null)

/** The shopper's cart, on the device: it outlives a restart of the app. */
export function CartProvider({ storage = AsyncStorage, children }: { storage?: CartStorage; children: ReactNode }) {
  const [cart, setCart] = useState<Cart>([])
  const [ready, setReady] = useState(false)
  const changedBeforeLoad = useRef(false)
  useEffect(() => {
    let live = true
    storage.getItem(KEY).then(
      (raw) => {
        if (!live) return
        // a line added while the store was being read joins what was stored
        if (!changedBeforeLoad.current) setCart(parseCart(raw))
        else setCart((now) => now.reduce((acc, l) => addLine(acc, l), parseCart(raw)))
        setReady(true)
      },
      () => live && setReady(true),
    )
    return () => {
      live = false
    }
  }, [storage])
  const update = useCallback(
    (fn: (c: Cart) => Cart) => {
      if (!ready) changedBeforeLoad.current = true
      setCart((c) => {
        const next = fn(c)
        void storage.setItem(KEY, JSON.stringify(next)).catch(() => {})
        return next
      })
    },
    [storage, ready],
  )
  const api = useMemo<CartApi>(
    () => ({
      cart,
      ready,
      add: (line, max) => update((c) => addLine(c, line, max)),
      setQuantity: (id, q, max) => update((c) => setQuantity(c, id, q, max)),
      remove: (id) => update((c) => removeLine(c, id)),
    }),
    [cart, ready, update],
  )
  return <CartContext.Provider value={api}>{children}</CartContext.Provider>
}

export function useCart(): CartApi {
  const c = useContext(CartContext)
  if (!c) throw new Error('CartProvider is missing')
  return c
}
