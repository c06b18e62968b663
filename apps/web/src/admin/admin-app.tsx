import { useState } from 'react'
import { Link, NavLink, Route, Routes, useLocation, useNavigate } from 'react-router'
import { useAuth } from '../api/shop.tsx'
import { ko } from '@shop/storefront-core/ko'
import { Loading, PageTitle } from '../ui/primitives.tsx'
import './admin.css'
import { CategoriesPage } from './categories/categories-page.tsx'
import { CustomersPage } from './customers/customers-page.tsx'
import { DashboardPage } from './dashboard/dashboard-page.tsx'
import { adminKo } from './ko.ts'
import { OperationsPage } from './ops/operations-page.tsx'
import { OrderDetailPage } from './orders/order-detail-page.tsx'
import { OrdersPage } from './orders/orders-page.tsx'
import { ProductEditPage } from './products/product-edit-page.tsx'
import { ProductsPage } from './products/products-page.tsx'
import { ShipmentsPage } from './shipments/shipments-page.tsx'

const t = adminKo

/** The admin console at /admin: loaded lazily, so a shopper's pages never carry it. */
export default function AdminApp() {
  const { status, user } = useAuth()
  if (status === 'unknown') return <Loading />
  if (status === 'signedOut' || !user) return <SignInFirst />
  if (!user.roles.includes('admin')) return <NoAccess />
  return (
    <AdminLayout email={user.email}>
      <Routes>
        <Route index element={<DashboardPage />} />
        <Route path="products" element={<ProductsPage />} />
        <Route path="products/new" element={<ProductEditPage />} />
        <Route path="products/:id" element={<ProductEditPage />} />
        <Route path="categories" element={<CategoriesPage />} />
        <Route path="orders" element={<OrdersPage />} />
        <Route path="orders/:id" element={<OrderDetailPage />} />
        <Route path="shipments" element={<ShipmentsPage />} />
        <Route path="customers" element={<CustomersPage />} />
        <Route path="operations" element={<OperationsPage />} />
        <Route path="*" element={<AdminNotFound />} />
      </Routes>
    </AdminLayout>
  )
}

const NAV = [
  { to: '/admin', label: t.nav.dashboard, end: true },
  { to: '/admin/products', label: t.nav.products },
  { to: '/admin/categories', label: t.nav.categories },
  { to: '/admin/orders', label: t.nav.orders },
  { to: '/admin/shipments', label: t.nav.shipments },
  { to: '/admin/customers', label: t.nav.customers },
  { to: '/admin/operations', label: t.nav.operations },
]

function AdminLayout({ email, children }: { email: string; children: React.ReactNode }) {
  const { logout } = useAuth()
  const navigate = useNavigate()
  const [leaving, setLeaving] = useState(false)
  return (
    <div className="admin">
      <a href="#admin-main" className="skip-link">
        {ko.nav.skip}
      </a>
      <header className="admin-header">
        <div className="admin-header-row">
          <Link to="/admin" className="admin-logo">
            {t.consoleName}
          </Link>
          <div className="admin-header-links">
            <span className="muted admin-email">{email}</span>
            <a href="/" className="header-link">
              {t.nav.toStore}
            </a>
            <button
              type="button"
              className="header-link linklike"
              aria-busy={leaving || undefined}
              onClick={async () => {
                setLeaving(true)
                await logout()
                navigate('/')
              }}
            >
              {ko.nav.logout}
            </button>
          </div>
        </div>
        <nav aria-label={t.nav.label} className="admin-nav">
          <ul>
            {NAV.map((n) => (
              <li key={n.to}>
                <NavLink to={n.to} end={n.end}>
                  {n.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="admin-main" className="admin-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  )
}

function SignInFirst() {
  const location = useLocation()
  const next = encodeURIComponent(location.pathname + location.search)
  return (
    <main className="admin-gate" id="admin-main">
      <PageTitle title={t.access.signInTitle} />
      <h1>{t.access.signInTitle}</h1>
      <p>{t.access.signInHint}</p>
      <div className="row">
        <Link to={`/login?next=${next}`} className="btn btn-primary">
          {t.access.signIn}
        </Link>
        <a href="/" className="btn btn-secondary">
          {t.access.toStore}
        </a>
      </div>
    </main>
  )
}

function NoAccess() {
  return (
    <main className="admin-gate" id="admin-main">
      <PageTitle title={t.access.deniedTitle} />
      <h1>{t.access.deniedTitle}</h1>
      <p>{t.access.deniedHint}</p>
      <a href="/" className="btn btn-primary">
        {t.access.toStore}
      </a>
    </main>
  )
}

function AdminNotFound() {
  return (
    <>
      <PageTitle title={ko.common.notFoundTitle} />
      <h1>{ko.common.notFoundTitle}</h1>
      <Link to="/admin">{t.nav.dashboard}</Link>
    </>
  )
}
