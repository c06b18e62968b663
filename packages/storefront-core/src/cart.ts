/** The cart is the shopper's own (local storage), checked against the API's prices and stock at checkout. */
export interface CartLine {
  productId: string
  quantity: number
  /** What the shopper saw when adding it; the cart page shows the current price and says when it changed. */
  name: string
  price: number
  image?: string
}

export type Cart = CartLine[]

/** Most units of one product in one order (the order service's default cap). */
export const MAX_LINE_QUANTITY = 100

const clamp = (n: number, max = MAX_LINE_QUANTITY) => Math.max(1, Math.min(max, Math.floor(n)))

/** Adds units of a product; a product already in the cart gets more units, never a second line. */
export function addLine(cart: Cart, line: CartLine, max = MAX_LINE_QUANTITY): Cart {
  const existing = cart.find((l) => l.productId === line.productId)
  if (!existing) return [...cart, { ...line, quantity: clamp(line.quantity, max) }]
  return cart.map((l) =>
    l.productId === line.productId ? { ...l, name: line.name, price: line.price, image: line.image, quantity: clamp(l.quantity + line.quantity, max) } : l,
  )
}

export function setQuantity(cart: Cart, productId: string, quantity: number, max = MAX_LINE_QUANTITY): Cart {
  if (!Number.isFinite(quantity)) return cart
  if (quantity <= 0) return removeLine(cart, productId)
  return cart.map((l) => (l.productId === productId ? { ...l, quantity: clamp(quantity, max) } : l))
}

export function removeLine(cart: Cart, productId: string): Cart {
  return cart.filter((l) => l.productId !== productId)
}

/** Integer KRW: the sum of each line's unit price (the current one when known) times its units. */
export function subtotal(cart: Cart, currentPrice: (productId: string) => number | undefined = () => undefined): number {
  return cart.reduce((sum, l) => sum + (currentPrice(l.productId) ?? l.price) * l.quantity, 0)
}

export const unitCount = (cart: Cart): number => cart.reduce((n, l) => n + l.quantity, 0)

/** A guest's cart joins the signed-in shopper's: same products add up (within the cap). */
export function mergeCarts(into: Cart, from: Cart): Cart {
  return from.reduce((acc, line) => addLine(acc, line), into)
}

/** Reads a stored cart, dropping anything malformed rather than failing the page. */
export function parseCart(raw: string | null): Cart {
  if (!raw) return []
  try {
    const data = JSON.parse(raw) as unknown
    if (!Array.isArray(data)) return []
    return data.flatMap((l): CartLine[] => {
      const v = l as Partial<CartLine>
      if (typeof v.productId !== 'string' || typeof v.name !== 'string') return []
      if (!Number.isInteger(v.quantity) || (v.quantity as number) < 1 || !Number.isInteger(v.price)) return []
      return [{ productId: v.productId, name: v.name, price: v.price as number, quantity: clamp(v.quantity as number), image: typeof v.image === 'string' ? v.image : undefined }]
    })
  } catch {
    return []
  }
}
