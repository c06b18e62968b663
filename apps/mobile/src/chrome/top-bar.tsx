import { useRouter } from 'expo-router'
import { Pressable, StyleSheet, Text, View } from 'react-native'
import { useAuth, useOnline } from '../api/shop.tsx'
import { unitCount } from '@shop/storefront-core/cart'
import { useCart } from '../cart/cart-store.tsx'
import { ko } from '@shop/storefront-core/ko'
import { colors } from '../ui/kit.tsx'
import { SearchBox } from './search-box.tsx'

function NavLink({ label, name, onPress }: { label: string; name?: string; onPress: () => void }) {
  return (
    <Pressable role="link" accessibilityLabel={name ?? label} onPress={onPress} hitSlop={6} style={st.navItem}>
      <Text style={st.navText}>{label}</Text>
    </Pressable>
  )
}

/** What every screen offers (UI.md): the search box, the cart with its count, 내 주문, sign in or out. */
export function TopBar() {
  const router = useRouter()
  const auth = useAuth()
  const { cart } = useCart()
  const count = unitCount(cart)
  return (
    <View style={st.bar}>
      <View style={st.row}>
        <Pressable role="link" accessibilityLabel={ko.nav.home} onPress={() => router.navigate('/')}>
          <Text style={st.brand}>{ko.shopName}</Text>
        </Pressable>
        <View style={st.links}>
          <NavLink label={count ? `${ko.nav.cart} ${count}` : ko.nav.cart} name={count ? `${ko.nav.cart} ${count}` : ko.nav.cart} onPress={() => router.navigate('/cart')} />
          <NavLink label={ko.nav.myOrders} onPress={() => router.navigate('/orders')} />
          {auth.status === 'signedIn' ? (
            <>
              <NavLink label={ko.nav.account} onPress={() => router.navigate('/account')} />
              <Pressable role="button" accessibilityLabel={ko.nav.logout} onPress={() => void auth.signOut()} style={st.navItem}>
                <Text style={st.navText}>{ko.nav.logout}</Text>
              </Pressable>
            </>
          ) : (
            <NavLink label={ko.nav.login} onPress={() => router.navigate('/login')} />
          )}
        </View>
      </View>
      <SearchBox />
    </View>
  )
}

/** Said when the shop's API cannot be reached; it goes away by itself when an answer comes. */
export function OfflineBanner({ onRetry }: { onRetry: () => void }) {
  const online = useOnline()
  if (online) return null
  return (
    <View style={st.offline} role="alert">
      <Text style={st.offlineText}>{ko.common.offline}</Text>
      <Pressable role="button" accessibilityLabel={ko.common.retry} onPress={onRetry} hitSlop={6}>
        <Text style={st.offlineRetry}>{ko.common.retry}</Text>
      </Pressable>
    </View>
  )
}

const st = StyleSheet.create({
  bar: { backgroundColor: colors.paper, paddingHorizontal: 12, paddingTop: 8, paddingBottom: 8, gap: 8, borderBottomWidth: 1, borderBottomColor: colors.line },
  row: { flexDirection: 'row', alignItems: 'center', justifyContent: 'space-between' },
  brand: { fontSize: 18, fontWeight: '800', color: colors.brand },
  links: { flexDirection: 'row', gap: 12, alignItems: 'center', flexShrink: 1, flexWrap: 'wrap', justifyContent: 'flex-end' },
  navItem: { paddingVertical: 4 },
  navText: { fontSize: 14, color: colors.ink, fontWeight: '600' },
  offline: { backgroundColor: '#fff4d6', paddingHorizontal: 12, paddingVertical: 8, flexDirection: 'row', gap: 8, alignItems: 'center', justifyContent: 'space-between' },
  offlineText: { flex: 1, color: '#6b4e00', fontSize: 13 },
  offlineRetry: { color: colors.brand, fontWeight: '700' },
})
