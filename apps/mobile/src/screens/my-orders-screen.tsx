import { useInfiniteQuery } from '@tanstack/react-query'
import { useRouter } from 'expo-router'
import { useEffect } from 'react'
import { FlatList, Pressable, RefreshControl, StyleSheet, Text, View } from 'react-native'
import { myOrdersQuery } from '../api/queries.ts'
import { useAuth, useShop } from '../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { formatDateTime, formatWon } from '@shop/storefront-core/format'
import { Button, colors, Empty, ErrorNote, Heading, Loading } from '../ui/kit.tsx'

/** The shopper's orders, newest first, with their status; more as the list scrolls. */
export function MyOrdersScreen() {
  const client = useShop()
  const auth = useAuth()
  const router = useRouter()
  const signedIn = auth.status === 'signedIn'
  const orders = useInfiniteQuery({ ...myOrdersQuery(client), enabled: signedIn })
  useEffect(() => {
    if (auth.status === 'signedOut') router.replace({ pathname: '/login', params: { next: '/orders' } })
  }, [auth.status, router])
  if (!signedIn) return <Loading />
  const items = orders.data?.pages.flatMap((p) => p.items) ?? []
  const more = () => {
    if (orders.hasNextPage && !orders.isFetchingNextPage) void orders.fetchNextPage()
  }
  return (
    <FlatList
      style={st.fill}
      contentContainerStyle={st.content}
      data={items}
      keyExtractor={(o) => o.id}
      ListHeaderComponent={<Heading>{ko.orders.title}</Heading>}
      renderItem={({ item: o }) => {
        const summary = ko.orders.itemsSummary(o.items[0]?.name ?? '', o.items.length - 1)
        const status = ko.order.statuses[o.status]
        return (
          <Pressable role="link" accessibilityLabel={`${summary}, ${status}, ${formatWon(o.total)}`} onPress={() => router.push(`/orders/${o.id}`)} style={st.row}>
            <View style={st.rowText}>
              <Text style={st.name}>{summary}</Text>
              <Text style={st.muted}>
                {formatDateTime(o.createdAt)} · {o.id.slice(0, 8).toUpperCase()}
              </Text>
            </View>
            <View style={st.right}>
              <Text style={st.status}>{status}</Text>
              <Text style={st.name}>{formatWon(o.total)}</Text>
            </View>
          </Pressable>
        )
      }}
      ListEmptyComponent={
        orders.isPending ? (
          <Loading />
        ) : orders.isError ? (
          <ErrorNote message={messageFor(orders.error)} onRetry={() => void orders.refetch()} />
        ) : (
          <Empty message={ko.orders.empty} />
        )
      }
      ListFooterComponent={orders.isFetchingNextPage ? <Loading /> : orders.hasNextPage ? <Button variant="secondary" label={ko.orders.more} onPress={more} /> : null}
      onEndReached={more}
      onEndReachedThreshold={0.5}
      refreshControl={<RefreshControl refreshing={orders.isRefetching && !orders.isFetchingNextPage} onRefresh={() => void orders.refetch()} />}
    />
  )
}

const st = StyleSheet.create({
  fill: { flex: 1, backgroundColor: colors.soft },
  content: { padding: 16, gap: 10, paddingBottom: 48 },
  row: { flexDirection: 'row', justifyContent: 'space-between', gap: 8, padding: 12, borderRadius: 12, backgroundColor: colors.paper, borderWidth: 1, borderColor: colors.line },
  rowText: { flex: 1, gap: 4 },
  right: { alignItems: 'flex-end', gap: 4 },
  name: { fontSize: 15, color: colors.ink, fontWeight: '600' },
  status: { fontSize: 14, color: colors.brand, fontWeight: '700' },
  muted: { fontSize: 12, color: colors.muted },
})
