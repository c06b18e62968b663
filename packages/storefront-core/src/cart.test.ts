import { describe, expect, it } from 'vitest'
import { addLine, MAX_LINE_QUANTITY, mergeCarts, parseCart, removeLine, setQuantity, subtotal, unitCount } from './cart.ts'

const earphones = { productId: 'p1', name: '무선이어폰 프로', price: 89_000, quantity: 1 }
const tumbler = { productId: 'p2', name: '보온 텀블러', price: 12_900, quantity: 2 }

describe('cart arithmetic', () => {
  it('adding a product twice adds units to its one line', () => {
    const cart = addLine(addLine([], earphones), { ...earphones, quantity: 2 })
    expect(cart).toHaveLength(1)
    expect(cart[0].quantity).toBe(3)
  })

  it('the subtotal is unit price times units, summed, in integer won', () => {
    const cart = addLine(addLine([], earphones), tumbler)
    expect(subtotal(cart)).toBe(89_000 + 2 * 12_900)
    expect(unitCount(cart)).toBe(3)
  })

  it('the subtotal uses the current price when the catalogue has changed it', () => {
    const cart = addLine([], tumbler)
    expect(subtotal(cart, (id) => (id === 'p2' ? 9_900 : undefined))).toBe(19_800)
  })

  it('quantities stay whole, at least 1 and at most the per-line cap; 0 removes the line', () => {
    let cart = addLine([], earphones)
    cart = setQuantity(cart, 'p1', 2.7)
    expect(cart[0].quantity).toBe(2)
    cart = setQuantity(cart, 'p1', 10_000)
    expect(cart[0].quantity).toBe(MAX_LINE_QUANTITY)
    cart = setQuantity(cart, 'p1', 5, 3)
    expect(cart[0].quantity).toBe(3)
    expect(addLine([], { ...earphones, quantity: 9 }, 5)[0].quantity).toBe(5)
    expect(setQuantity(cart, 'p1', 0)).toEqual([])
    expect(setQuantity(cart, 'p1', Number.NaN)).toEqual(cart)
  })

  it('removing a line leaves the others', () => {
    expect(removeLine(addLine(addLine([], earphones), tumbler), 'p1').map((l) => l.productId)).toEqual(['p2'])
    expect(setQuantity([earphones, tumbler], 'p1', 0)).toEqual([tumbler])
  })

  it("a guest's cart merges into the signed-in cart, same products adding up", () => {
    const merged = mergeCarts([earphones], [{ ...earphones, quantity: 2 }, tumbler])
    expect(merged.map((l) => [l.productId, l.quantity])).toEqual([['p1', 3], ['p2', 2]])
  })

  it('a stored cart that is damaged or tampered with loses its bad lines, not the page', () => {
    expect(parseCart('not json')).toEqual([])
    expect(parseCart('{"a":1}')).toEqual([])
    const raw = JSON.stringify([earphones, { productId: 'x', name: 'y', price: 1.5, quantity: 1 }, { productId: 'z', name: 'w', price: 100, quantity: -1 }, 'junk'])
    expect(parseCart(raw)).toEqual([{ ...earphones, image: undefined }])
  })
})
