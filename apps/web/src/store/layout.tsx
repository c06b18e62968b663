import { useQuery } from '@tanstack/react-query'
import { type FormEvent, type ReactNode, useEffect, useState } from 'react'
import { Link, NavLink, useLocation, useNavigate, useSearchParams } from 'react-router'
import { useAuth, useShop } from '../api/shop.tsx'
import { ko } from '@shop/storefront-core/ko'
import { categoriesQuery } from './catalog/api.ts'
import { unitCount } from '@shop/storefront-core/cart'
import { useCart } from './cart/use-cart.ts'
import { SearchBox } from './search/search-box.tsx'

function CartLink() {
  const { cart } = useCart()
  const n = unitCount(cart)
  return (
    <Link to="/cart" className="header-link cart-link">
      {ko.nav.cart}
      {n > 0 && <span className="badge" aria-label={`${n}개`}>{n}</span>}
    </Link>
  )
}

function AccountLinks() {
  const { status, user, logout } = useAuth()
  const navigate = useNavigate()
  const location = useLocation()
  const [leaving, setLeaving] = useState(false)
  if (status === 'signedIn' && user) {
    return (
      <>
        {user.roles.includes('admin') && (
          <a href="/admin" className="header-link">
            {ko.account.adminConsole}
          </a>
        )}
        <Link to="/account" className="header-link">
          {ko.nav.account}
        </Link>
        <button
          type="button"
          className="header-link linklike"
          aria-busy={leaving || undefined}
          onClick={async () => {
            setLeaving(true)
            await logout()
            setLeaving(false)
            navigate('/')
          }}
        >
          {ko.nav.logout}
        </button>
      </>
    )
  }
  // While the stored session is being checked (and on the server) the link is still the right offer.
  const next = location.pathname === '/login' || location.pathname === '/signup' ? '' : `?next=${encodeURIComponent(location.pathname + location.search)}`
  return (
    <Link to={`/login${next}`} className="header-link" aria-disabled={status === 'unknown' || undefined}>
      {ko.nav.login}
    </Link>
  )
}

function CategoryNav() {
  const client = useShop()
  const { data } = useQuery(categoriesQuery(client))
  const roots = (data?.items ?? []).filter((c) => !c.parentId).sort((a, b) => a.name.localeCompare(b.name, 'ko'))
  if (!roots.length) return null
  return (
    <nav className="category-nav" aria-label={ko.nav.categories}>
      <ul>
        {roots.map((c) => (
          <li key={c.id}>
            <NavLink to={`/categories/${c.slug}`}>{c.name}</NavLink>
          </li>
        ))}
      </ul>
    </nav>
  )
}

export function Layout({ children }: { children: ReactNode }) {
  const [params] = useSearchParams()
  const location = useLocation()
  const navigate = useNavigate()
  const q = location.pathname === '/search' ? (params.get('q') ?? '') : ''
  // Move focus to the page's main content after navigation, so keyboard and screen-reader users start there.
  useEffect(() => {
    const main = document.getElementById('main')
    if (main && document.activeElement === document.body) main.focus({ preventScroll: true })
  }, [location.pathname])
  const onSearch = (e: FormEvent<HTMLFormElement>, value: string) => {
    e.preventDefault()
    const v = value.trim()
    if (v) navigate(`/search?q=${encodeURIComponent(v)}`)
  }
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {ko.nav.skip}
      </a>
      <header className="site-header">
        <div className="header-row container">
          <Link to="/" className="logo" aria-label={`${ko.shopName} ${ko.nav.home}`}>
            <img src="/favicon.svg" alt="" width="28" height="28" />
            <span>{ko.shopName}</span>
          </Link>
          <SearchBox key={q} initial={q} onSubmit={onSearch} />
          <nav className="header-links" aria-label="내 쇼핑">
            <Link to="/orders" className="header-link">
              {ko.nav.myOrders}
            </Link>
            <CartLink />
            <AccountLinks />
          </nav>
        </div>
        <div className="container">
          <CategoryNav />
        </div>
      </header>
      <main id="main" tabIndex={-1} className="container main">
        {children}
      </main>
      <footer className="site-footer">
        <div className="container">
          <p>
            {ko.shopName} · {ko.tagline}
          </p>
          <p className="muted">모든 가격은 부가세 포함, 원(KRW) 기준입니다.</p>
        </div>
      </footer>
    </div>
  )
}
