import { addLine, MAX_LINE_QUANTITY, mergeCarts, parseCart, removeLine, setQuantity, subtotal, unitCount } from '../src/cart/cart.ts'

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

  it('the subtotal uses the catalogue’s current price when it changed', () => {
    const cart = addLine([], tumbler)
    expect(subtotal(cart, (id) => (id === 'p2' ? 11_000 : undefined))).toBe(22_000)
  })

  it('a quantity is capped by the stock given and by the per-line maximum', () => {
    expect(addLine([], { ...earphones, quantity: 9 }, 5)[0].quantity).toBe(5)
    expect(setQuantity([earphones], 'p1', 10_000)[0].quantity).toBe(MAX_LINE_QUANTITY)
  })

  it('a quantity of zero removes the line; removing leaves the others', () => {
    expect(setQuantity([earphones, tumbler], 'p1', 0)).toEqual([tumbler])
    expect(removeLine([earphones, tumbler], 'p2')).toEqual([earphones])
  })

  it('a guest cart merged into a shopper’s adds the same products up', () => {
    expect(mergeCarts([earphones], [{ ...earphones, quantity: 2 }, tumbler]).map((l) => [l.productId, l.quantity])).toEqual([
      ['p1', 3],
      ['p2', 2],
    ])
  })

  it('a stored cart with malformed lines keeps only the sound ones', () => {
    expect(parseCart(JSON.stringify([earphones, { productId: 'x', name: 'bad', price: 1.5, quantity: 1 }, 'junk']))).toEqual([earphones])
    expect(parseCart('not json')).toEqual([])
  })
})
