import { useId, useState } from 'react'
import { Link, useNavigate } from 'react-router'
import { ko } from '@shop/storefront-core/ko'
import { formatWon } from '@shop/storefront-core/format'
import { Button, Loading, Money, PageTitle } from '../../ui/primitives.tsx'
import { MAINLAND_POSTAL_CODE, useCartProducts, useQuote } from './api.ts'
import { type CartLine, MAX_LINE_QUANTITY, subtotal } from '@shop/storefront-core/cart'
import { FeeSummary } from './fee-summary.tsx'
import { useCart } from './use-cart.ts'

function Line({ line, state, onQuantity, onRemove }: { line: CartLine; state: ReturnType<typeof useCartProducts> extends Map<string, infer V> ? V : never; onQuantity: (q: number, max: number) => void; onRemove: () => void }) {
  const id = useId()
  const p = state.product
  const price = p?.price ?? line.price
  const available = p?.stock.available
  const max = Math.max(1, Math.min(available ?? MAX_LINE_QUANTITY, MAX_LINE_QUANTITY))
  const unavailable = state.gone || (available !== undefined && available <= 0)
  return (
    <li className={`cart-line${unavailable ? ' is-unavailable' : ''}`}>
      {line.image ? <img src={line.image} alt="" width="88" height="88" /> : <div className="image-fallback small" aria-hidden="true" />}
      <div className="cart-line-body">
        <Link to={`/products/${line.productId}`} className="cart-line-name">
          {line.name}
        </Link>
        <Money amount={price} className="muted" />
        {p && p.price !== line.price && <p className="field-hint">{ko.cart.priceChanged(formatWon(line.price), formatWon(p.price))}</p>}
        {unavailable && <p className="field-error">{ko.cart.unavailable}</p>}
        {!unavailable && available !== undefined && available < line.quantity && <p className="field-error">{ko.cart.stockShort(available)}</p>}
      </div>
      <div className="cart-line-actions">
        <label htmlFor={id} className="visually-hidden">
          {ko.cart.quantity}
        </label>
        <input
          id={id}
          type="number"
          inputMode="numeric"
          min={1}
          max={max}
          value={line.quantity}
          aria-describedby={`${id}-name`}
          onChange={(e) => {
            const n = Math.floor(Number(e.target.value))
            if (Number.isFinite(n) && n >= 1) onQuantity(n, max)
          }}
        />
        <span id={`${id}-name`} className="visually-hidden">
          {line.name}
        </span>
        <Money amount={price * line.quantity} className="cart-line-total" />
        <Button variant="ghost" onClick={onRemove} aria-describedby={`${id}-name`}>
          {ko.cart.remove}
        </Button>
      </div>
    </li>
  )
}

export function CartPage() {
  const { cart, ready, setQuantity, remove } = useCart()
  const states = useCartProducts(cart)
  const navigate = useNavigate()
  const [postal, setPostal] = useState('')
  const postalId = useId()
  const sum = subtotal(cart, (id) => states.get(id)?.product?.price)
  const validPostal = /^[0-9]{5}$/.test(postal)
  const quote = useQuote(sum, validPostal ? postal : MAINLAND_POSTAL_CODE)
  const blocked = cart.some((l) => {
    const s = states.get(l.productId)
    return s?.gone || (s?.product && s.product.stock.available < l.quantity)
  })

  if (!ready) return <Loading />
  return (
    <>
      <PageTitle title={ko.cart.title} />
      <h1>{ko.cart.title}</h1>
      {cart.length === 0 ? (
        <div className="empty">
          <p>{ko.cart.empty}</p>
          <Link to="/" className="btn btn-primary">
            {ko.cart.continue}
          </Link>
        </div>
      ) : (
        <div className="cart-layout">
          <ul className="cart-lines" aria-label={ko.cart.title}>
            {cart.map((l) => (
              <Line key={l.productId} line={l} state={states.get(l.productId)!} onQuantity={(q, max) => setQuantity(l.productId, q, max)} onRemove={() => remove(l.productId)} />
            ))}
          </ul>
          <aside className="cart-summary" aria-label="결제 금액">
            <div className="field">
              <label htmlFor={postalId}>{ko.cart.postalCode}</label>
              <input id={postalId} inputMode="numeric" maxLength={5} value={postal} onChange={(e) => setPostal(e.target.value.replace(/[^0-9]/g, ''))} aria-describedby={`${postalId}-hint`} autoComplete="postal-code" />
              <p className="field-hint" id={`${postalId}-hint`}>
                {ko.cart.postalHint}
              </p>
            </div>
            <FeeSummary subtotal={sum} quote={quote.data} basis={validPostal ? ko.cart.feeFor(postal) : ko.cart.feeMainland} pending={quote.isFetching} />
            <Button className="block" disabled={blocked} onClick={() => navigate(validPostal ? `/checkout?postalCode=${postal}` : '/checkout')}>
              {ko.cart.order}
            </Button>
          </aside>
        </div>
      )}
    </>
  )
}
