import type { ProductListQuery } from '@shop/client'
import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { useRouter } from 'expo-router'
import { useMemo, useState } from 'react'
import { FlatList, Pressable, RefreshControl, StyleSheet, Switch, Text, View } from 'react-native'
import { categoriesQuery, listingQuery, type Sort, SORTS } from '../api/queries.ts'
import { useShop } from '../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { Button, colors, Empty, ErrorNote, Field, Heading, Loading } from '../ui/kit.tsx'
import { ProductCard } from './product-card.tsx'

export interface ListingParams {
  q?: string
  category?: string
  /** The category's name, passed along so the title shows before the categories load. */
  name?: string
  sort?: string
  minPrice?: string
  maxPrice?: string
  inStock?: string
}

const wholeWon = (v: string | undefined) => (v && /^[0-9]{1,9}$/.test(v) ? Number(v) : undefined)

/** The listing's query from the route's params; anything malformed is left out. */
export function listingQueryOf(p: ListingParams): ProductListQuery {
  const out: ProductListQuery = {}
  if (p.q?.trim()) out.q = p.q.trim().slice(0, 200)
  if (p.category) out.category = p.category
  if (p.sort && SORTS.includes(p.sort as Sort)) out.sort = p.sort as Sort
  const min = wholeWon(p.minPrice)
  const max = wholeWon(p.maxPrice)
  if (min !== undefined) out.minPrice = min
  if (max !== undefined) out.maxPrice = max
  if (p.inStock === '1') out.inStock = true
  return out
}

/**
 * A category or a search: filters, sorts, category facets, and more products as the list
 * scrolls (by cursor). The filters live in the route's params and the screen stays in the
 * stack under a product, so coming back finds the same filters and scroll position.
 */
export function ListingScreen({ params }: { params: ListingParams }) {
  const client = useShop()
  const router = useRouter()
  const query = useMemo(() => listingQueryOf(params), [params])
  const [minPrice, setMinPrice] = useState(params.minPrice ?? '')
  const [maxPrice, setMaxPrice] = useState(params.maxPrice ?? '')
  const list = useInfiniteQuery(listingQuery(client, query))
  const cats = useQuery(categoriesQuery(client))
  const category = cats.data?.items.find((c) => c.slug === query.category)
  const title = query.q ? ko.listing.resultsFor(query.q) : (category?.name ?? params.name ?? ko.listing.searchTitle)
  const items = list.data?.pages.flatMap((p) => p.items) ?? []
  const facets = list.data?.pages[0]?.facets
  const set = (next: Partial<ListingParams>) => router.setParams({ ...next } as Record<string, string>)
  const more = () => {
    if (list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage()
  }

  const header = (
    <View style={st.header}>
      <Heading>{title}</Heading>
      <View role="radiogroup" accessibilityLabel={ko.listing.sort} style={st.sorts}>
        {SORTS.map((sort) => {
          const on = (query.sort ?? 'relevance') === sort
          return (
            <Pressable key={sort} role="radio" aria-checked={on} accessibilityLabel={ko.listing.sorts[sort]} onPress={() => set({ sort })} style={[st.chip, on && st.chipOn]}>
              <Text style={[st.chipText, on && st.chipTextOn]}>{ko.listing.sorts[sort]}</Text>
            </Pressable>
          )
        })}
      </View>
      <View style={st.priceRow}>
        <View style={st.price}>
          <Field label={ko.listing.minPrice} value={minPrice} onChangeText={(v) => setMinPrice(v.replace(/[^0-9]/g, ''))} keyboardType="number-pad" inputMode="numeric" />
        </View>
        <View style={st.price}>
          <Field label={ko.listing.maxPrice} value={maxPrice} onChangeText={(v) => setMaxPrice(v.replace(/[^0-9]/g, ''))} keyboardType="number-pad" inputMode="numeric" />
        </View>
      </View>
      <View style={st.stockRow}>
        <Text style={st.label}>{ko.listing.inStock}</Text>
        <Switch accessibilityLabel={ko.listing.inStock} value={query.inStock === true} onValueChange={(v) => set({ inStock: v ? '1' : '' })} />
      </View>
      <Button variant="secondary" label={ko.listing.apply} onPress={() => set({ minPrice, maxPrice })} />
      {facets && facets.categories.length > 1 && cats.data && (
        <View style={st.sorts} accessibilityLabel={ko.listing.facets}>
          {facets.categories.map((f) => {
            const c = cats.data.items.find((x) => x.id === f.categoryId)
            if (!c) return null
            return (
              <Pressable key={f.categoryId} role="link" accessibilityLabel={`${c.name} ${f.count}`} onPress={() => set({ category: c.slug })} style={st.chip}>
                <Text style={st.chipText}>
                  {c.name} {f.count}
                </Text>
              </Pressable>
            )
          })}
        </View>
      )}
    </View>
  )

  return (
    <FlatList
      style={st.fill}
      contentContainerStyle={st.content}
      data={items}
      keyExtractor={(p) => p.id}
      renderItem={({ item }) => <ProductCard product={item} />}
      ListHeaderComponent={header}
      ListEmptyComponent={
        list.isPending ? (
          <Loading />
        ) : list.isError ? (
          <ErrorNote message={messageFor(list.error)} onRetry={() => void list.refetch()} />
        ) : (
          <Empty message={ko.listing.empty} hint={ko.listing.emptyHint} />
        )
      }
      ListFooterComponent={
        list.isFetchingNextPage ? (
          <Loading />
        ) : list.hasNextPage ? (
          <Button variant="secondary" label={ko.listing.more} onPress={more} />
        ) : list.isFetchNextPageError ? (
          <ErrorNote message={messageFor(list.error)} onRetry={more} />
        ) : null
      }
      onEndReached={more}
      onEndReachedThreshold={0.5}
      keyboardShouldPersistTaps="handled"
      refreshControl={<RefreshControl refreshing={list.isRefetching && !list.isFetchingNextPage} onRefresh={() => void list.refetch()} />}
    />
  )
}

const st = StyleSheet.create({
  fill: { flex: 1, backgroundColor: colors.soft },
  content: { padding: 16, gap: 10, paddingBottom: 48 },
  header: { gap: 10, marginBottom: 4 },
  sorts: { flexDirection: 'row', flexWrap: 'wrap', gap: 8 },
  chip: { paddingHorizontal: 12, paddingVertical: 7, borderRadius: 16, backgroundColor: colors.paper, borderWidth: 1, borderColor: colors.line },
  chipOn: { backgroundColor: colors.brand, borderColor: colors.brand },
  chipText: { color: colors.ink, fontSize: 14 },
  chipTextOn: { color: colors.paper, fontWeight: '700' },
  priceRow: { flexDirection: 'row', gap: 8 },
  price: { flex: 1 },
  stockRow: { flexDirection: 'row', alignItems: 'center', justifyContent: 'space-between' },
  label: { fontSize: 14, fontWeight: '600', color: colors.ink },
})
