import type { Product } from '@shop/client'
import { Image } from 'expo-image'
import { useRouter } from 'expo-router'
import { Pressable, StyleSheet, Text, View } from 'react-native'
import { imageUrl } from '../api/config.ts'
import { useApiBase } from '../api/shop.tsx'
import { ko } from '@shop/storefront-core/ko'
import { formatWon } from '@shop/storefront-core/format'
import { colors } from '../ui/kit.tsx'

type CardProduct = Pick<Product, 'id' | 'name' | 'price' | 'images' | 'stock'>

/** A product in a list: image, name, price, 품절 when none is left; the whole card opens it. */
export function ProductCard({ product }: { product: CardProduct }) {
  const router = useRouter()
  const base = useApiBase()
  const soldOut = product.stock.available <= 0
  const label = `${product.name}, ${formatWon(product.price)}${soldOut ? `, ${ko.listing.soldOut}` : ''}`
  return (
    <Pressable role="link" accessibilityLabel={label} onPress={() => router.push(`/products/${product.id}`)} style={st.card}>
      <Image source={imageUrl(base, product.images[0])} style={st.image} contentFit="cover" accessible={false} />
      <View style={st.text}>
        <Text style={st.name} numberOfLines={2}>
          {product.name}
        </Text>
        <Text style={st.price}>{formatWon(product.price)}</Text>
        {soldOut && <Text style={st.soldOut}>{ko.listing.soldOut}</Text>}
      </View>
    </Pressable>
  )
}

const st = StyleSheet.create({
  card: { flexDirection: 'row', gap: 12, backgroundColor: colors.paper, borderRadius: 12, padding: 10, borderWidth: 1, borderColor: colors.line },
  image: { width: 84, height: 84, borderRadius: 8, backgroundColor: colors.soft },
  text: { flex: 1, gap: 4 },
  name: { fontSize: 15, color: colors.ink, fontWeight: '600' },
  price: { fontSize: 16, color: colors.ink, fontWeight: '700' },
  soldOut: { color: colors.danger, fontWeight: '700' },
})
