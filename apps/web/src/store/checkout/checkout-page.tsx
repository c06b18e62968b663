import type { Address, Order } from '@shop/client'
import { newIdempotencyKey } from '@shop/client'
import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import { Navigate, useNavigate, useSearchParams } from 'react-router'
import { useAuth, useShop } from '../../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { Field, Loading, Money, Notice, PageTitle } from '../../ui/primitives.tsx'
import { MAINLAND_POSTAL_CODE, useCartProducts, useQuote } from '../cart/api.ts'
import { subtotal } from '@shop/storefront-core/cart'
import { FeeSummary } from '../cart/fee-summary.tsx'
import { useCart } from '../cart/use-cart.ts'
import { PaymentForm } from './payment-form.tsx'
import { type AddressErrors, type AddressForm, emptyAddress, toShippingAddress, validateAddress } from '@shop/storefront-core/checkout'

const FIELDS: { key: keyof AddressForm; label: string; auto: string; mode?: 'numeric' | 'tel' }[] = [
  { key: 'recipient', label: ko.checkout.recipient, auto: 'name' },
  { key: 'phone', label: ko.checkout.phone, auto: 'tel', mode: 'tel' },
  { key: 'postalCode', label: ko.checkout.postalCode, auto: 'postal-code', mode: 'numeric' },
  { key: 'address1', label: ko.checkout.address1, auto: 'address-line1' },
  { key: 'address2', label: ko.checkout.address2, auto: 'address-line2' },
]

const fromSaved = (a: Address): AddressForm => ({ recipient: a.recipient, phone: a.phone, postalCode: a.postalCode, address1: a.address1, address2: a.address2 ?? '' })

export function CheckoutPage() {
  const { status, user } = useAuth()
  const client = useShop()
  const qc = useQueryClient()
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const { cart, ready, remove } = useCart()
  const states = useCartProducts(cart)
  const [address, setAddress] = useState<AddressForm>({ ...emptyAddress, postalCode: params.get('postalCode') ?? '' })
  const [savedIndex, setSavedIndex] = useState<number | 'new'>('new')
  const [errors, setErrors] = useState<AddressErrors>({})
  const [saveAddress, setSaveAddress] = useState(false)
  const [order, setOrder] = useState<Order | null>(null)
  const [placeError, setPlaceError] = useState<string>()
  // The order's key lives as long as this checkout: a retry after a lost answer places no second order.
  const orderKey = useRef(newIdempotencyKey())
  const filled = useRef(false)
  const placedRef = useRef<Order | null>(null)

  useEffect(() => {
    if (filled.current || !user) return
    filled.current = true
    if (user.addresses.length) {
      setSavedIndex(0)
      setAddress(fromSaved(user.addresses[0]))
    } else setAddress((a) => ({ ...a, recipient: user.name, phone: user.phone ?? '' }))
  }, [user])

  const sum = order?.subtotal ?? subtotal(cart, (id) => states.get(id)?.product?.price)
  const postal = /^[0-9]{5}$/.test(address.postalCode) ? address.postalCode : MAINLAND_POSTAL_CODE
  const quote = useQuote(sum, postal)

  if (status === 'unknown' || !ready) return <Loading />
  if (status === 'signedOut') return <Navigate to={`/login?next=${encodeURIComponent('/checkout')}`} replace state={{ reason: ko.checkout.signInFirst }} />
  if (cart.length === 0 && !order) {
    return (
      <>
        <PageTitle title={ko.checkout.title} />
        <h1>{ko.checkout.title}</h1>
        <p className="empty">{ko.checkout.empty}</p>
      </>
    )
  }

  const check = () => {
    const e = order ? {} : validateAddress(address)
    setErrors(e)
    const first = Object.keys(e)[0]
    if (first) document.getElementById(`addr-${first}`)?.focus()
    return !first
  }

  async function prepare() {
    if (placedRef.current) return placedRef.current
    setPlaceError(undefined)
    try {
      const shippingAddress = toShippingAddress(address)
      const placed = await client.orders.place({ items: cart.map((l) => ({ productId: l.productId, quantity: l.quantity })), shippingAddress }, orderKey.current)
      placedRef.current = placed
      setOrder(placed)
      if (saveAddress && user && !user.addresses.some((a) => a.postalCode === shippingAddress.postalCode && a.address1 === shippingAddress.address1)) {
        const label = `배송지 ${user.addresses.length + 1}`
        await client.auth.updateProfile({ addresses: [...user.addresses, { label, ...shippingAddress, address2: shippingAddress.address2 ?? '' }] }).then(
          () => qc.invalidateQueries({ queryKey: ['profile'] }),
          () => {},
        )
      }
      return placed
    } catch (err) {
      setPlaceError(messageFor(err))
      return null
    }
  }

  const lines = order
    ? order.items.map((i) => ({ key: i.productId, name: i.name, quantity: i.quantity, total: i.lineTotal }))
    : cart.map((l) => ({ key: l.productId, name: l.name, quantity: l.quantity, total: (states.get(l.productId)?.product?.price ?? l.price) * l.quantity }))
  const total = order?.total ?? (quote.data ? sum + quote.data.fee : undefined)

  return (
    <>
      <PageTitle title={ko.checkout.title} />
      <h1>{ko.checkout.title}</h1>
      <div className="checkout-layout">
        <div>
          <section aria-labelledby="addr-h" className="panel">
            <h2 id="addr-h">{ko.checkout.address}</h2>
            {order ? (
              <Notice tone="info">{ko.checkout.orderPlaced}</Notice>
            ) : (
              user!.addresses.length > 0 && (
                <fieldset className="saved-addresses">
                  <legend>{ko.checkout.savedAddresses}</legend>
                  {user!.addresses.map((a, i) => (
                    <label key={`${a.label}-${i}`} className="check">
                      <input
                        type="radio"
                        name="saved-address"
                        checked={savedIndex === i}
                        onChange={() => {
                          setSavedIndex(i)
                          setAddress(fromSaved(a))
                          setErrors({})
                        }}
                      />
                      {a.label} · {a.address1}
                    </label>
                  ))}
                  <label className="check">
                    <input type="radio" name="saved-address" checked={savedIndex === 'new'} onChange={() => setSavedIndex('new')} />
                    {ko.checkout.newAddress}
                  </label>
                </fieldset>
              )
            )}
            <div className="address-fields">
              {FIELDS.map((f) => (
                <Field
                  key={f.key}
                  id={`addr-${f.key}`}
                  label={f.label}
                  value={address[f.key]}
                  autoComplete={f.auto}
                  inputMode={f.mode}
                  readOnly={Boolean(order)}
                  required={f.key !== 'address2'}
                  maxLength={f.key === 'postalCode' ? 5 : 200}
                  error={errors[f.key]}
                  onChange={(e) => {
                    const v = f.key === 'postalCode' ? e.target.value.replace(/[^0-9]/g, '') : e.target.value
                    setAddress((a) => ({ ...a, [f.key]: v }))
                    if (savedIndex !== 'new') setSavedIndex('new')
                  }}
                />
              ))}
            </div>
            {!order && savedIndex === 'new' && (
              <label className="check">
                <input type="checkbox" checked={saveAddress} onChange={(e) => setSaveAddress(e.target.checked)} />
                {ko.checkout.saveAddress}
              </label>
            )}
          </section>
          <section aria-labelledby="items-h" className="panel">
            <h2 id="items-h">{ko.checkout.items}</h2>
            <ul className="checkout-items">
              {lines.map((l) => (
                <li key={l.key}>
                  <span>
                    {l.name} × {l.quantity}
                  </span>
                  <Money amount={l.total} />
                </li>
              ))}
            </ul>
          </section>
        </div>
        <aside className="panel checkout-pay" aria-label={ko.checkout.method}>
          <FeeSummary
            subtotal={sum}
            quote={order ? { fee: order.shippingFee, currency: 'KRW', breakdown: quote.data?.breakdown ?? [] } : quote.data}
            basis={/^[0-9]{5}$/.test(address.postalCode) ? ko.cart.feeFor(address.postalCode) : ko.cart.feeMainland}
            pending={quote.isFetching}
          />
          {placeError && (
            <div className="notice notice-error" role="alert">
              <p>{placeError}</p>
            </div>
          )}
          <PaymentForm
            amount={total ?? sum}
            beforeSubmit={check}
            prepare={prepare}
            onPaid={(payment) => {
              for (const item of placedRef.current?.items ?? []) remove(item.productId)
              void qc.invalidateQueries({ queryKey: ['orders'] })
              navigate(`/orders/${payment.orderId}`, { replace: true })
            }}
          />
        </aside>
      </div>
    </>
  )
}
