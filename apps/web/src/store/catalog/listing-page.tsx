import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from 'react'
import { Link, useParams, useSearchParams } from 'react-router'
import { useShop } from '../../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { Button, ErrorNote, Loading, PageTitle } from '../../ui/primitives.tsx'
import { NotFoundPage } from '../not-found-page.tsx'
import { categoriesQuery, categoryPath, listingParams, listingQuery, SORTS, type Sort } from './api.ts'
import { ProductGrid } from './product-card.tsx'

/** The listing's heading and description, shared with the server renderer's <head>. */
export function listingHead(opts: { q?: string; categoryName?: string }): { title: string; description: string } {
  if (opts.categoryName) return { title: opts.categoryName, description: `${ko.shopName}의 ${opts.categoryName} 상품을 둘러보세요.` }
  if (opts.q) return { title: ko.listing.resultsFor(opts.q), description: `${ko.shopName}에서 ‘${opts.q}’ 상품을 찾아보세요.` }
  return { title: ko.listing.searchTitle, description: ko.home.description }
}

/**
 * A filter control's value. It is the URL's, except while the navigation the shopper just
 * made is rendering: React Router renders a navigation in a transition, and a controlled
 * input would show the old value until it commits (a tick that does not stick, on a slow
 * phone). Back and forward move it with the URL.
 */
function useUrlControl<T>(fromUrl: T): [T, (v: T) => void] {
  const [shown, setShown] = useState(fromUrl)
  const [url, setUrl] = useState(fromUrl)
  if (!Object.is(url, fromUrl)) {
    setUrl(fromUrl)
    setShown(fromUrl)
  }
  return [shown, setShown]
}

/** Listing filters: price range, in stock only, sort. Exported for its component test. */
export function Filters({ params, onChange }: { params: URLSearchParams; onChange: (next: URLSearchParams) => void }) {
  const id = useId()
  const [inStock, showInStock] = useUrlControl(params.get('inStock') === '1')
  const [sort, showSort] = useUrlControl(params.get('sort') ?? 'relevance')
  const setInStock = (on: boolean) => {
    showInStock(on)
    const next = new URLSearchParams(params)
    if (on) next.set('inStock', '1')
    else next.delete('inStock')
    onChange(next)
  }
  const setSort = (value: string) => {
    showSort(value)
    const next = new URLSearchParams(params)
    if (value === 'relevance') next.delete('sort')
    else next.set('sort', value)
    onChange(next)
  }
  // A server-rendered page can be used before its script runs: hydration keeps what the
  // shopper ticked or chose, and this applies it once, as if it were done now.
  const inStockBox = useRef<HTMLInputElement>(null)
  const sortBox = useRef<HTMLSelectElement>(null)
  const hydrated = useRef(false)
  useEffect(() => {
    if (hydrated.current) return
    hydrated.current = true
    if (inStockBox.current && inStockBox.current.checked !== inStock) setInStock(inStockBox.current.checked)
    else if (sortBox.current && sortBox.current.value !== sort) setSort(sortBox.current.value)
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on the first render's DOM
  }, [])
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    const form = new FormData(e.currentTarget)
    const next = new URLSearchParams(params)
    for (const k of ['minPrice', 'maxPrice'] as const) {
      const v = String(form.get(k) ?? '').replace(/[^0-9]/g, '')
      if (v) next.set(k, v)
      else next.delete(k)
    }
    onChange(next)
  }
  return (
    <form className="filters" onSubmit={submit} aria-label={ko.listing.filters}>
      <fieldset className="price-range">
        <legend>가격</legend>
        <label htmlFor={`${id}-min`} className="visually-hidden">
          {ko.listing.minPrice}
        </label>
        <input id={`${id}-min`} name="minPrice" inputMode="numeric" placeholder={ko.listing.minPrice} defaultValue={params.get('minPrice') ?? ''} />
        <span aria-hidden="true">~</span>
        <label htmlFor={`${id}-max`} className="visually-hidden">
          {ko.listing.maxPrice}
        </label>
        <input id={`${id}-max`} name="maxPrice" inputMode="numeric" placeholder={ko.listing.maxPrice} defaultValue={params.get('maxPrice') ?? ''} />
        <Button type="submit" variant="secondary">
          {ko.listing.apply}
        </Button>
      </fieldset>
      <label className="check">
        <input ref={inStockBox} type="checkbox" checked={inStock} onChange={(e) => setInStock(e.target.checked)} />
        {ko.listing.inStock}
      </label>
      <div className="sort">
        <label htmlFor={`${id}-sort`}>{ko.listing.sort}</label>
        <select ref={sortBox} id={`${id}-sort`} value={sort} onChange={(e) => setSort(e.target.value)}>
          {SORTS.map((s: Sort) => (
            <option key={s} value={s}>
              {ko.listing.sorts[s]}
            </option>
          ))}
        </select>
      </div>
    </form>
  )
}

export function ListingPage() {
  const client = useShop()
  const { slug } = useParams()
  const [params, setParams] = useSearchParams()
  const cats = useQuery(categoriesQuery(client))
  const categorySlug = slug ?? params.get('category') ?? undefined
  const query = useMemo(() => listingParams(params, categorySlug), [params, categorySlug])
  const list = useInfiniteQuery(listingQuery(client, query))
  const category = cats.data?.items.find((c) => c.slug === categorySlug)
  if (slug && cats.data && !category) return <NotFoundPage />

  // Cursor pages never repeat a product; a set keeps the grid honest should a page overlap.
  const seen = new Set<string>()
  const products = (list.data?.pages ?? []).flatMap((p) => p.items).filter((p) => !seen.has(p.id) && seen.add(p.id))
  const facets = list.data?.pages[0]?.facets
  const names = new Map((cats.data?.items ?? []).map((c) => [c.id, c]))
  const head = listingHead({ q: query.q, categoryName: category?.name })
  const facetLink = (catSlug: string) => {
    if (!query.q) return `/categories/${catSlug}`
    const next = new URLSearchParams(params)
    next.set('category', catSlug)
    return `/search?${next}`
  }
  const total = facets?.categories.reduce((n, f) => n + f.count, 0)

  return (
    <>
      <PageTitle title={head.title} description={head.description} />
      {category && (
        <nav aria-label="위치" className="breadcrumbs">
          <ol>
            <li>
              <Link to="/">{ko.nav.home}</Link>
            </li>
            {categoryPath(cats.data?.items ?? [], category.id).map((c) => (
              <li key={c.id}>{c.id === category.id ? <span aria-current="page">{c.name}</span> : <Link to={`/categories/${c.slug}`}>{c.name}</Link>}</li>
            ))}
          </ol>
        </nav>
      )}
      <h1>{head.title}</h1>
      {total !== undefined && <p className="muted">{ko.listing.count(total, facets?.exact ?? true)}</p>}
      <div className="listing">
        <aside className="listing-side">
          <Filters params={params} onChange={(next) => setParams(next)} />
          {facets && facets.categories.length > 0 && (
            <nav aria-label={ko.listing.facets} className="facets">
              <h2>{ko.listing.facets}</h2>
              <ul>
                {facets.categories
                  .filter((f) => names.has(f.categoryId))
                  .map((f) => {
                    const c = names.get(f.categoryId)!
                    return (
                      <li key={f.categoryId}>
                        <Link to={facetLink(c.slug)} aria-current={c.slug === categorySlug ? 'page' : undefined}>
                          {c.name} <span className="count">({f.count.toLocaleString('ko-KR')})</span>
                        </Link>
                      </li>
                    )
                  })}
              </ul>
            </nav>
          )}
        </aside>
        <section className="listing-main" aria-label="상품 목록" aria-busy={list.isFetching || undefined}>
          {list.isPending ? (
            <Loading />
          ) : list.isError ? (
            <ErrorNote message={messageFor(list.error)} onRetry={() => list.refetch()} />
          ) : products.length === 0 ? (
            <div className="empty">
              <p>{ko.listing.empty}</p>
              <p className="muted">{ko.listing.emptyHint}</p>
            </div>
          ) : (
            <>
              <ProductGrid products={products} eagerCount={4} />
              {list.hasNextPage && (
                <div className="more">
                  <Button variant="secondary" onClick={() => list.fetchNextPage()} pending={list.isFetchingNextPage} pendingLabel={ko.common.loading}>
                    {ko.listing.more}
                  </Button>
                </div>
              )}
            </>
          )}
        </section>
      </div>
    </>
  )
}
