import type { Product } from '@shop/client'
import { Link } from 'react-router'
import { ko } from '@shop/storefront-core/ko'
import { Money } from '../../ui/primitives.tsx'

type CardProduct = Pick<Product, 'id' | 'name' | 'price' | 'images' | 'stock'>

export function ProductCard({ product, eager }: { product: CardProduct; eager?: boolean }) {
  const soldOut = product.stock.available <= 0
  return (
    <li className={`product-card${soldOut ? ' is-sold-out' : ''}`}>
      <Link to={`/products/${product.id}`} className="product-card-link">
        <div className="product-card-image">
          {product.images[0] ? (
            <img src={product.images[0]} alt="" width="320" height="320" loading={eager ? 'eager' : 'lazy'} decoding="async" />
          ) : (
            <div className="image-fallback" aria-hidden="true" />
          )}
          {soldOut && <span className="sold-out-tag">{ko.listing.soldOut}</span>}
        </div>
        <span className="product-card-name">{product.name}</span>
        <Money amount={product.price} className="product-card-price" />
      </Link>
    </li>
  )
}

export function ProductGrid({ products, eagerCount = 0 }: { products: CardProduct[]; eagerCount?: number }) {
  return (
    <ul className="product-grid">
      {products.map((p, i) => (
        <ProductCard key={p.id} product={p} eager={i < eagerCount} />
      ))}
    </ul>
  )
}
