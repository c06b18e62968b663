import type { Product } from '@shop/client'
import { ko } from '@shop/storefront-core/ko'
import { formatWon } from '@shop/storefront-core/format'

/** A product page's <title>, description and JSON-LD `Product`, as the server writes them. */
export function productHead(product: Product, origin: string) {
  const summary = product.description.replace(/\s+/g, ' ').trim()
  const description = `${formatWon(product.price)} · ${summary.length > 140 ? `${summary.slice(0, 139)}…` : summary}`
  const jsonLd = {
    '@context': 'https://schema.org',
    '@type': 'Product',
    name: product.name,
    sku: product.sku,
    description: summary,
    image: product.images.map((src) => new URL(src, origin).href),
    offers: {
      '@type': 'Offer',
      price: product.price,
      priceCurrency: 'KRW',
      availability: product.stock.available > 0 ? 'https://schema.org/InStock' : 'https://schema.org/OutOfStock',
      url: new URL(`/products/${product.id}`, origin).href,
    },
  }
  return { title: `${product.name} | ${ko.shopName}`, description, jsonLd, image: product.images[0] ? new URL(product.images[0], origin).href : undefined }
}
