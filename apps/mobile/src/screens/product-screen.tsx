import { isApiError } from '@shop/client'
import { useQuery } from '@tanstack/react-query'
import { Image } from 'expo-image'
import { useRouter } from 'expo-router'
import { useState } from 'react'
import { ScrollView, StyleSheet, Text, View } from 'react-native'
import { imageUrl } from '../api/config.ts'
import { productQuery } from '../api/queries.ts'
import { useApiBase, useShop } from '../api/shop.tsx'
import { MAX_LINE_QUANTITY } from '@shop/storefront-core/cart'
import { useCart } from '../cart/cart-store.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { Body, Button, colors, Empty, ErrorNote, Heading, LinkText, Loading, Money, Panel, Row, Screen } from '../ui/kit.tsx'
import { Quantity } from './quantity.tsx'

const attributeText = (v: unknown): string => (Array.isArray(v) ? v.join(', ') : typeof v === 'boolean' ? (v ? '예' : '아니요') : String(v))

/** A product: images, name, price, stock, attributes, description, quantity, 장바구니 담기. */
export function ProductScreen({ id }: { id: string }) {
  const client = useShop()
  const base = useApiBase()
  const router = useRouter()
  const cart = useCart()
  const product = useQuery(productQuery(client, id))
  const [quantity, setQuantity] = useState(1)
  const [added, setAdded] = useState(false)

  if (product.isPending) return <Loading />
  if (product.isError) {
    if (isApiError(product.error, 'not_found') || isApiError(product.error, 'validation_failed')) return <Empty message={ko.product.notFound} hint={ko.product.notFoundHint} />
    return (
      <Screen>
        <ErrorNote message={messageFor(product.error)} onRetry={() => void product.refetch()} />
      </Screen>
    )
  }
  const p = product.data
  const available = p.stock.available
  const inCart = cart.cart.find((l) => l.productId === p.id)?.quantity ?? 0
  const max = Math.max(1, Math.min(MAX_LINE_QUANTITY, available) - inCart)
  const attributes = Object.entries(p.attributes ?? {})
  return (
    <Screen onRefresh={() => void product.refetch()} refreshing={product.isRefetching}>
      {p.images.length > 0 && (
        <ScrollView horizontal pagingEnabled showsHorizontalScrollIndicator={false} accessibilityLabel="상품 이미지">
          {p.images.map((src, i) => (
            <Image key={src} source={imageUrl(base, src)} style={st.image} contentFit="contain" accessibilityLabel={`${p.name} 이미지 ${i + 1}`} />
          ))}
        </ScrollView>
      )}
      <Heading>{p.name}</Heading>
      <Money amount={p.price} strong />
      <Text style={available > 0 ? st.inStock : st.soldOut}>{available > 0 ? ko.product.inStock(available) : ko.product.soldOut}</Text>
      {available > 0 && (
        <Panel>
          <Row>
            <Body>{ko.product.quantity}</Body>
            <Quantity value={Math.min(quantity, max)} max={max} onChange={setQuantity} />
          </Row>
          {inCart + 1 > Math.min(MAX_LINE_QUANTITY, available) ? (
            <Body muted>{ko.product.maxQuantity(Math.min(MAX_LINE_QUANTITY, available))}</Body>
          ) : (
            <Button
              label={ko.product.addToCart}
              onPress={() => {
                cart.add({ productId: p.id, name: p.name, price: p.price, quantity: Math.min(quantity, max), image: p.images[0] }, Math.min(MAX_LINE_QUANTITY, available))
                setAdded(true)
                setQuantity(1)
              }}
            />
          )}
          {added && (
            <View role="status" style={st.added}>
              <Body>{ko.product.added}</Body>
              <LinkText label={ko.product.goToCart} onPress={() => router.navigate('/cart')} />
            </View>
          )}
        </Panel>
      )}
      {attributes.length > 0 && (
        <Panel>
          <Heading level={2}>{ko.product.details}</Heading>
          {attributes.map(([k, v]) => (
            <Row key={k}>
              <Body muted>{k}</Body>
              <Body>{attributeText(v)}</Body>
            </Row>
          ))}
        </Panel>
      )}
      <Panel>
        <Heading level={2}>{ko.product.description}</Heading>
        <Body>{p.description}</Body>
      </Panel>
    </Screen>
  )
}

const st = StyleSheet.create({
  image: { width: 358, height: 280, borderRadius: 12, backgroundColor: colors.paper },
  inStock: { color: colors.ok, fontWeight: '600' },
  soldOut: { color: colors.danger, fontWeight: '700' },
  added: { gap: 4 },
})
