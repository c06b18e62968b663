import '../src/api/polyfills.ts'
import { Stack } from 'expo-router'
import { StatusBar } from 'expo-status-bar'
import { useState } from 'react'
import { SafeAreaProvider, SafeAreaView } from 'react-native-safe-area-context'
import { createAppShop, newQueryClient, ShopProvider } from '../src/api/shop.tsx'
import { CartProvider } from '../src/cart/cart-store.tsx'
import { OfflineBanner, TopBar } from '../src/chrome/top-bar.tsx'
import { ko } from '@shop/storefront-core/ko'
import { colors } from '../src/ui/kit.tsx'

const TITLES: Record<string, string> = {
  index: ko.nav.home,
  search: ko.listing.searchTitle,
  'categories/[slug]': ko.nav.categories,
  'products/[id]': ko.product.details,
  cart: ko.cart.title,
  checkout: ko.checkout.title,
  'orders/index': ko.orders.title,
  'orders/[id]': ko.order.title,
  'tracking/[number]': ko.tracking.title,
  login: ko.auth.loginTitle,
  signup: ko.auth.signupTitle,
  account: ko.account.title,
}

export default function RootLayout() {
  const [shop] = useState(createAppShop)
  const [queryClient] = useState(newQueryClient)
  return (
    <SafeAreaProvider>
      <ShopProvider shop={shop} queryClient={queryClient}>
        <CartProvider>
          <SafeAreaView style={{ flex: 1, backgroundColor: colors.paper }} edges={['top', 'left', 'right']}>
            <StatusBar style="dark" />
            <OfflineBanner onRetry={() => void queryClient.refetchQueries({ type: 'active' })} />
            <TopBar />
            <Stack screenOptions={({ route }) => ({ title: TITLES[route.name] ?? ko.shopName, headerBackTitle: ko.common.back, contentStyle: { backgroundColor: colors.soft } })}>
              <Stack.Screen name="index" options={{ headerShown: false }} />
            </Stack>
          </SafeAreaView>
        </CartProvider>
      </ShopProvider>
    </SafeAreaProvider>
  )
}
