import { useQuery } from '@tanstack/react-query'
import { useRouter } from 'expo-router'
import { Pressable, StyleSheet, Text, View } from 'react-native'
import { categoriesQuery } from '../api/queries.ts'
import { useShop } from '../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { colors, Empty, ErrorNote, Heading, Loading, Screen } from '../ui/kit.tsx'
import { ProductCard } from './product-card.tsx'

/** Home: the categories and what came in last. */
export function HomeScreen() {
  const client = useShop()
  const router = useRouter()
  const cats = useQuery(categoriesQuery(client))
  const newest = useQuery({ queryKey: ['products', 'home-newest'], queryFn: () => client.products.list({ sort: 'newest', limit: 10 }) })
  const refresh = () => void Promise.all([cats.refetch(), newest.refetch()])
  const roots = (cats.data?.items ?? []).filter((c) => !c.parentId)
  return (
    <Screen onRefresh={refresh} refreshing={cats.isRefetching || newest.isRefetching}>
      <Heading>{ko.shopName}</Heading>
      <Text style={st.tagline}>{ko.tagline}</Text>
      <Heading level={2}>{ko.home.categories}</Heading>
      {cats.isPending ? (
        <Loading />
      ) : cats.isError ? (
        <ErrorNote message={messageFor(cats.error)} onRetry={() => void cats.refetch()} />
      ) : (
        <View style={st.chips}>
          {roots.map((c) => (
            <Pressable key={c.id} role="link" accessibilityLabel={c.name} style={st.chip} onPress={() => router.push({ pathname: '/categories/[slug]', params: { slug: c.slug, name: c.name } })}>
              <Text style={st.chipText}>{c.name}</Text>
            </Pressable>
          ))}
        </View>
      )}
      <Heading level={2}>{ko.home.newest}</Heading>
      {newest.isPending ? (
        <Loading />
      ) : newest.isError ? (
        <ErrorNote message={messageFor(newest.error)} onRetry={() => void newest.refetch()} />
      ) : newest.data.items.length === 0 ? (
        <Empty message="아직 등록된 상품이 없습니다." hint="상품이 들어오면 여기에 보여 드릴게요." />
      ) : (
        newest.data.items.map((p) => <ProductCard key={p.id} product={p} />)
      )}
    </Screen>
  )
}

const st = StyleSheet.create({
  tagline: { color: colors.muted, fontSize: 14 },
  chips: { flexDirection: 'row', flexWrap: 'wrap', gap: 8 },
  chip: { paddingHorizontal: 14, paddingVertical: 8, borderRadius: 18, backgroundColor: colors.paper, borderWidth: 1, borderColor: colors.line },
  chipText: { color: colors.ink, fontSize: 14 },
})
