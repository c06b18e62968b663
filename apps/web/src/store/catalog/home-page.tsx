import type { Category, ProductListQuery, ShopClient } from '@shop/client'
import { useQuery } from '@tanstack/react-query'
import { Link } from 'react-router'
import { useShop } from '../../api/shop.tsx'
import { ko } from '@shop/storefront-core/ko'
import { ErrorNote, Loading, PageTitle } from '../../ui/primitives.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { categoriesQuery, categoryTree } from './api.ts'
import { ProductGrid } from './product-card.tsx'

/** Home: the categories and two shelves, each a real listing query. */
type ShelfDef = { key: string; title: string; query: ProductListQuery; link: string }

/** Home's shelves: what came in last, then each top-level category's products in stock. */
export function homeShelves(categories: Category[]): ShelfDef[] {
  const roots = categories.filter((c) => !c.parentId).sort((a, b) => a.name.localeCompare(b.name, 'ko'))
  return [
    { key: 'newest', title: ko.home.newest, query: { sort: 'newest', limit: 8 }, link: '/search?sort=newest' },
    ...roots.map((c) => ({ key: `cat-${c.slug}`, title: c.name, query: { category: c.slug, inStock: true, limit: 4 }, link: `/categories/${c.slug}` })),
  ]
}

export const shelfQuery = (client: ShopClient, shelf: ShelfDef) => ({
  queryKey: ['shelf', shelf.key, shelf.query],
  queryFn: () => client.products.list(shelf.query),
})

function Shelf({ shelf, first }: { shelf: ShelfDef; first: boolean }) {
  const client = useShop()
  const q = useQuery(shelfQuery(client, shelf))
  const headingId = `shelf-${shelf.key}`
  return (
    <section className="shelf" aria-labelledby={headingId}>
      <div className="section-head">
        <h2 id={headingId}>{shelf.title}</h2>
        <Link to={shelf.link} aria-label={`${shelf.title} ${ko.home.seeAll}`}>
          {ko.home.seeAll}
        </Link>
      </div>
      {q.isPending ? <Loading /> : q.isError ? <ErrorNote message={messageFor(q.error)} onRetry={() => q.refetch()} /> : <ProductGrid products={q.data.items} eagerCount={first ? 4 : 0} />}
    </section>
  )
}

export function HomePage() {
  const client = useShop()
  const cats = useQuery(categoriesQuery(client))
  return (
    <>
      <PageTitle title={ko.home.title} description={ko.home.description} />
      <section className="hero">
        <h1>{ko.shopName}</h1>
        <p>{ko.tagline}</p>
      </section>
      <section aria-labelledby="home-categories">
        <h2 id="home-categories">{ko.home.categories}</h2>
        {cats.data && (
          <ul className="category-chips">
            {categoryTree(cats.data.items).map((c) => (
              <li key={c.id}>
                <Link to={`/categories/${c.slug}`}>{c.name}</Link>
              </li>
            ))}
          </ul>
        )}
      </section>
      {homeShelves(cats.data?.items ?? []).map((s, i) => (
        <Shelf key={s.key} shelf={s} first={i === 0} />
      ))}
    </>
  )
}
