import { isApiError } from '@shop/client'
import { useQueries, useQuery } from '@tanstack/react-query'
import { useRouter } from 'expo-router'
import { StyleSheet, Text, View } from 'react-native'
import { MAINLAND_POSTAL_CODE, productQuery, quoteQuery } from '../api/queries.ts'
import { useShop } from '../api/shop.tsx'
import { MAX_LINE_QUANTITY, subtotal } from '@shop/storefront-core/cart'
import { useCart } from '../cart/cart-store.tsx'
import { ko } from '@shop/storefront-core/ko'
import { formatWon } from '@shop/storefront-core/format'
import { Body, Button, colors, Empty, Heading, LinkText, Loading, Money, Panel, Row, Screen } from '../ui/kit.tsx'
import { FeeSummary } from './fee-summary.tsx'
import { Quantity } from './quantity.tsx'

/** The cart on the device, checked against the catalogue's current prices and stock. */
export function CartScreen() {
  const client = useShop()
  const router = useRouter()
  const { cart, ready, setQuantity, remove } = useCart()
  const products = useQueries({ queries: cart.map((l) => ({ ...productQuery(client, l.productId), staleTime: 10_000 })) })
  const current = new Map(cart.map((l, i) => [l.productId, products[i]]))
  const sum = subtotal(cart, (id) => current.get(id)?.data?.price)
  const quote = useQuery(quoteQuery(client, sum, MAINLAND_POSTAL_CODE))
  const refresh = () => void Promise.all([...products.map((p) => p.refetch()), quote.refetch()])

  if (!ready) return <Loading />
  if (cart.length === 0) {
    return (
      <Screen>
        <Heading>{ko.cart.title}</Heading>
        <Empty message={ko.cart.empty} />
        <LinkText label={ko.cart.continue} onPress={() => router.navigate('/')} />
      </Screen>
    )
  }
  const blocked = cart.some((l) => {
    const p = current.get(l.productId)
    return isApiError(p?.error, 'not_found') || (p?.data && p.data.stock.available < l.quantity)
  })
  return (
    <Screen onRefresh={refresh} refreshing={products.some((p) => p.isRefetching)}>
      <Heading>{ko.cart.title}</Heading>
      {cart.map((l) => {
        const p = current.get(l.productId)
        const gone = isApiError(p?.error, 'not_found') || isApiError(p?.error, 'validation_failed')
        const price = p?.data?.price ?? l.price
        const available = p?.data?.stock.available
        return (
          <Panel key={l.productId}>
            <LinkText label={l.name} onPress={() => router.push(`/products/${l.productId}`)} />
            {gone && <Text style={st.warn}>{ko.cart.unavailable}</Text>}
            {p?.data && p.data.price !== l.price && <Text style={st.warn}>{ko.cart.priceChanged(formatWon(l.price), formatWon(p.data.price))}</Text>}
            {available !== undefined && available < l.quantity && <Text style={st.warn}>{available > 0 ? ko.cart.stockShort(available) : ko.product.soldOut}</Text>}
            <Row>
              <Quantity value={l.quantity} max={Math.max(l.quantity, Math.min(MAX_LINE_QUANTITY, available ?? MAX_LINE_QUANTITY))} onChange={(n) => setQuantity(l.productId, n)} />
              <Button variant="secondary" label={ko.cart.remove} onPress={() => remove(l.productId)} />
            </Row>
            <Row>
              <Body muted>{ko.cart.lineTotal}</Body>
              <Money amount={price * l.quantity} />
            </Row>
          </Panel>
        )
      })}
      <FeeSummary subtotal={sum} quote={quote.data} basis={ko.cart.feeMainland} />
      <View>
        <Button label={ko.cart.order} disabled={blocked} onPress={() => router.push('/checkout')} />
      </View>
    </Screen>
  )
}

const st = StyleSheet.create({ warn: { color: colors.danger, fontSize: 13 } })
