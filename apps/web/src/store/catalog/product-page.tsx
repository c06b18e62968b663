import { useQuery } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { Link, useParams } from 'react-router'
import { isApiError } from '@shop/client'
import { useShop } from '../../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { Button, ErrorNote, Loading, Money, Notice, PageTitle } from '../../ui/primitives.tsx'
import { MAX_LINE_QUANTITY } from '@shop/storefront-core/cart'
import { useCart } from '../cart/use-cart.ts'
import { NotFoundPage } from '../not-found-page.tsx'
import { categoriesQuery, categoryPath, productQuery } from './api.ts'

function attributeText(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (Array.isArray(v)) return v.map(attributeText).join(', ')
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

export function ProductPage() {
  const { id = '' } = useParams()
  const client = useShop()
  const product = useQuery(productQuery(client, id))
  const cats = useQuery(categoriesQuery(client))
  const { add } = useCart()
  const [quantity, setQuantity] = useState(1)
  const [added, setAdded] = useState(false)
  const qtyId = useId()

  if (product.isPending) return <Loading />
  if (product.isError) {
    if (isApiError(product.error, 'not_found') || isApiError(product.error, 'validation_failed')) {
      return <NotFoundPage title={ko.product.notFound} hint={ko.product.notFoundHint} />
    }
    return <ErrorNote message={messageFor(product.error)} onRetry={() => product.refetch()} />
  }
  const p = product.data
  const available = p.stock.available
  const max = Math.max(1, Math.min(available, MAX_LINE_QUANTITY))
  const soldOut = available <= 0
  const attributes = Object.entries(p.attributes ?? {}).filter(([, v]) => attributeText(v) !== '')
  const path = categoryPath(cats.data?.items ?? [], p.categoryId)

  return (
    <article className="product-page">
      <PageTitle title={p.name} />
      {path.length > 0 && (
        <nav aria-label="위치" className="breadcrumbs">
          <ol>
            <li>
              <Link to="/">{ko.nav.home}</Link>
            </li>
            {path.map((c) => (
              <li key={c.id}>
                <Link to={`/categories/${c.slug}`}>{c.name}</Link>
              </li>
            ))}
          </ol>
        </nav>
      )}
      <div className="product-layout">
        <div className="product-gallery">
          {p.images.length ? (
            p.images.map((src, i) => <img key={src} src={src} alt={i === 0 ? p.name : `${p.name} 이미지 ${i + 1}`} width="640" height="640" fetchPriority={i === 0 ? 'high' : undefined} loading={i === 0 ? 'eager' : 'lazy'} />)
          ) : (
            <div className="image-fallback large" aria-hidden="true" />
          )}
        </div>
        <div className="product-info">
          <h1>{p.name}</h1>
          <p className="product-price">
            <Money amount={p.price} />
          </p>
          <p className={soldOut ? 'stock stock-out' : 'stock'}>{soldOut ? ko.product.soldOut : ko.product.inStock(available)}</p>
          {!soldOut && (
            <form
              className="add-to-cart"
              onSubmit={(e) => {
                e.preventDefault()
                add({ productId: p.id, name: p.name, price: p.price, image: p.images[0], quantity }, max)
                setAdded(true)
              }}
            >
              <div className="field field-inline">
                <label htmlFor={qtyId}>{ko.product.quantity}</label>
                <input
                  id={qtyId}
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={max}
                  value={quantity}
                  onChange={(e) => {
                    const n = Math.floor(Number(e.target.value))
                    setQuantity(Number.isFinite(n) ? Math.max(1, Math.min(max, n)) : 1)
                    setAdded(false)
                  }}
                />
              </div>
              <Button type="submit">{ko.product.addToCart}</Button>
            </form>
          )}
          {added && (
            <Notice tone="success">
              {ko.product.added} <Link to="/cart">{ko.product.goToCart}</Link>
            </Notice>
          )}
          <section aria-labelledby="desc-h">
            <h2 id="desc-h">{ko.product.description}</h2>
            <p className="product-description">{p.description}</p>
          </section>
          {attributes.length > 0 && (
            <section aria-labelledby="attr-h">
              <h2 id="attr-h">{ko.product.details}</h2>
              <dl className="attributes">
                {attributes.map(([k, v]) => (
                  <div key={k}>
                    <dt>{k}</dt>
                    <dd>{attributeText(v)}</dd>
                  </div>
                ))}
              </dl>
            </section>
          )}
        </div>
      </div>
    </article>
  )
}
