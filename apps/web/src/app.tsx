import { Route, Routes } from 'react-router'
import { AccountPage } from './store/account/account-page.tsx'
import { LoginPage } from './store/account/login-page.tsx'
import { SignupPage } from './store/account/signup-page.tsx'
import { CartPage } from './store/cart/cart-page.tsx'
import { HomePage } from './store/catalog/home-page.tsx'
import { ListingPage } from './store/catalog/listing-page.tsx'
import { ProductPage } from './store/catalog/product-page.tsx'
import { CheckoutPage } from './store/checkout/checkout-page.tsx'
import { Layout } from './store/layout.tsx'
import { NotFoundPage } from './store/not-found-page.tsx'
import { MyOrdersPage } from './store/orders/my-orders-page.tsx'
import { OrderPage } from './store/orders/order-page.tsx'
import { TrackingPage } from './store/orders/tracking-page.tsx'

/** The storefront's pages (UI.md). */
export function StoreRoutes() {
  return (
    <Layout>
      <Routes>
        <Route path="/" element={<HomePage />} />
        <Route path="/categories/:slug" element={<ListingPage />} />
        <Route path="/search" element={<ListingPage />} />
        <Route path="/products/:id" element={<ProductPage />} />
        <Route path="/cart" element={<CartPage />} />
        <Route path="/checkout" element={<CheckoutPage />} />
        <Route path="/orders" element={<MyOrdersPage />} />
        <Route path="/orders/:id" element={<OrderPage />} />
        <Route path="/tracking/:trackingNumber" element={<TrackingPage />} />
        <Route path="/login" element={<LoginPage />} />
        <Route path="/signup" element={<SignupPage />} />
        <Route path="/account" element={<AccountPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </Layout>
  )
}
