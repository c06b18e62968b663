import type { Address, Order } from '@shop/client'
import { newIdempotencyKey } from '@shop/client'
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query'
import { useRouter } from 'expo-router'
import { useEffect, useRef, useState } from 'react'
import { Pressable, StyleSheet, Text, View } from 'react-native'
import { MAINLAND_POSTAL_CODE, productQuery, quoteQuery } from '../api/queries.ts'
import { useAuth, useShop } from '../api/shop.tsx'
import { subtotal } from '@shop/storefront-core/cart'
import { useCart } from '../cart/cart-store.tsx'
import { type AddressErrors, type AddressForm, emptyAddress, toShippingAddress, validateAddress } from '@shop/storefront-core/checkout'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { Body, colors, Empty, ErrorNote, Field, Heading, Loading, Money, Panel, Row, Screen } from '../ui/kit.tsx'
import { FeeSummary } from './fee-summary.tsx'
import { PaymentForm } from './payment-form.tsx'

const FIELDS: { key: keyof AddressForm; label: string; numeric?: boolean; auto?: 'name' | 'tel' | 'postal-code' | 'street-address' }[] = [
  { key: 'recipient', label: ko.checkout.recipient, auto: 'name' },
  { key: 'phone', label: ko.checkout.phone, auto: 'tel' },
  { key: 'postalCode', label: ko.checkout.postalCode, numeric: true, auto: 'postal-code' },
  { key: 'address1', label: ko.checkout.address1, auto: 'street-address' },
  { key: 'address2', label: ko.checkout.address2 },
]

const fromSaved = (a: Address): AddressForm => ({ recipient: a.recipient, phone: a.phone, postalCode: a.postalCode, address1: a.address1, address2: a.address2 ?? '' })

/** Checkout: the address (or a saved one), the fee for it, the order placed once, then payment. */
export function CheckoutScreen() {
  const auth = useAuth()
  const client = useShop()
  const qc = useQueryClient()
  const router = useRouter()
  const { cart, ready, remove } = useCart()
  const products = useQueries({ queries: cart.map((l) => ({ ...productQuery(client, l.productId), staleTime: 10_000 })) })
  const [address, setAddress] = useState<AddressForm>(emptyAddress)
  const [saved, setSaved] = useState<number | 'new'>('new')
  const [errors, setErrors] = useState<AddressErrors>({})
  const [order, setOrder] = useState<Order | null>(null)
  const [placeError, setPlaceError] = useState<string>()
  // one key for this checkout: a retry after a lost answer places no second order
  const orderKey = useRef(newIdempotencyKey())
  const placed = useRef<Order | null>(null)
  const filled = useRef(false)
  const user = auth.status === 'signedIn' ? auth.user : null

  useEffect(() => {
    if (auth.status === 'signedOut') router.replace({ pathname: '/login', params: { next: '/checkout' } })
  }, [auth.status, router])
  useEffect(() => {
    if (filled.current || !user) return
    filled.current = true
    if (user.addresses.length) {
      setSaved(0)
      setAddress(fromSaved(user.addresses[0]))
    } else setAddress((a) => ({ ...a, recipient: user.name, phone: user.phone ?? '' }))
  }, [user])

  const prices = new Map(cart.map((l, i) => [l.productId, products[i]?.data?.price]))
  const sum = order?.subtotal ?? subtotal(cart, (id) => prices.get(id))
  const postal = /^[0-9]{5}$/.test(address.postalCode) ? address.postalCode : MAINLAND_POSTAL_CODE
  const quote = useQuery(quoteQuery(client, sum, postal))

  if (auth.status !== 'signedIn' || !ready) return <Loading />
  if (cart.length === 0 && !order) {
    return (
      <Screen>
        <Heading>{ko.checkout.title}</Heading>
        <Empty message={ko.checkout.empty} />
      </Screen>
    )
  }

  const check = () => {
    const e = order ? {} : validateAddress(address)
    setErrors(e)
    return Object.keys(e).length === 0
  }

  async function prepare() {
    if (placed.current) return placed.current
    setPlaceError(undefined)
    try {
      const o = await client.orders.place({ items: cart.map((l) => ({ productId: l.productId, quantity: l.quantity })), shippingAddress: toShippingAddress(address) }, orderKey.current)
      placed.current = o
      setOrder(o)
      return o
    } catch (err) {
      setPlaceError(messageFor(err))
      return null
    }
  }

  const lines = order
    ? order.items.map((i) => ({ key: i.productId, name: i.name, quantity: i.quantity, total: i.lineTotal }))
    : cart.map((l) => ({ key: l.productId, name: l.name, quantity: l.quantity, total: (prices.get(l.productId) ?? l.price) * l.quantity }))
  const total = order?.total ?? (quote.data ? sum + quote.data.fee : sum)

  return (
    <Screen>
      <Heading>{ko.checkout.title}</Heading>
      <Panel>
        <Heading level={2}>{ko.checkout.address}</Heading>
        {order ? (
          <Body>{ko.checkout.orderPlaced}</Body>
        ) : (
          user!.addresses.length > 0 && (
            <View role="radiogroup" accessibilityLabel={ko.checkout.savedAddresses} style={st.saved}>
              {user!.addresses.map((a, i) => (
                <Pressable
                  key={`${a.label}-${i}`}
                  role="radio"
                  aria-checked={saved === i}
                  accessibilityLabel={`${a.label} ${a.address1}`}
                  onPress={() => {
                    setSaved(i)
                    setAddress(fromSaved(a))
                    setErrors({})
                  }}
                  style={[st.option, saved === i && st.optionOn]}
                >
                  <Text>
                    {a.label} · {a.address1}
                  </Text>
                </Pressable>
              ))}
              <Pressable role="radio" aria-checked={saved === 'new'} accessibilityLabel={ko.checkout.newAddress} onPress={() => setSaved('new')} style={[st.option, saved === 'new' && st.optionOn]}>
                <Text>{ko.checkout.newAddress}</Text>
              </Pressable>
            </View>
          )
        )}
        {FIELDS.map((f) => (
          <Field
            key={f.key}
            label={f.label}
            value={address[f.key]}
            editable={!order}
            autoComplete={f.auto}
            keyboardType={f.numeric ? 'number-pad' : f.key === 'phone' ? 'phone-pad' : 'default'}
            maxLength={f.key === 'postalCode' ? 5 : 200}
            error={errors[f.key]}
            onChangeText={(v) => {
              setAddress((a) => ({ ...a, [f.key]: f.numeric ? v.replace(/[^0-9]/g, '') : v }))
              if (saved !== 'new') setSaved('new')
            }}
          />
        ))}
      </Panel>
      <Panel>
        <Heading level={2}>{ko.checkout.items}</Heading>
        {lines.map((l) => (
          <Row key={l.key}>
            <Body>
              {l.name} × {l.quantity}
            </Body>
            <Money amount={l.total} />
          </Row>
        ))}
      </Panel>
      <FeeSummary
        subtotal={sum}
        quote={order ? { fee: order.shippingFee, currency: 'KRW', breakdown: quote.data?.breakdown ?? [] } : quote.data}
        basis={/^[0-9]{5}$/.test(address.postalCode) ? ko.cart.feeFor(address.postalCode) : ko.cart.feeMainland}
      />
      {placeError && <ErrorNote message={placeError} />}
      <PaymentForm
        amount={total}
        beforeSubmit={check}
        prepare={prepare}
        onPaid={(payment) => {
          for (const item of placed.current?.items ?? []) remove(item.productId)
          void qc.invalidateQueries({ queryKey: ['orders'] })
          router.replace(`/orders/${payment.orderId}`)
        }}
      />
    </Screen>
  )
}

const st = StyleSheet.create({
  saved: { gap: 6 },
  option: { padding: 10, borderRadius: 8, borderWidth: 1, borderColor: colors.line },
  optionOn: { borderColor: colors.brand, backgroundColor: '#e8efff' },
})
