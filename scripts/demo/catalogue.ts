import { digitalProducts } from './products/digital.ts'
import { foodProducts } from './products/food.ts'
import { livingProducts } from './products/living.ts'
import { styleProducts } from './products/style.ts'

/**
 * The Korean demo catalogue that a fresh embedded shop shows (and `npm run seed:demo`
 * puts into any running shop): categories, one nested level, and 48 products with
 * prices on both sides of the 50,000원 free-shipping threshold and a few sold out.
 * A product's SKU is its identity: the seeder never creates a SKU that exists, and its
 * image is `/demo/<sku>.svg` (scripts/demo/images.ts draws it).
 */

export interface DemoCategory {
  slug: string
  name: string
  /** The parent's slug; a parent comes before its children in DEMO_CATEGORIES. */
  parent: string | null
  /** The colour of its products' images. */
  colour: string
}

/** What a product's image draws (scripts/demo/icons.ts). */
export type DemoIcon =
  | 'earbuds' | 'headphones' | 'speaker' | 'charger' | 'powerbank' | 'cable'
  | 'tumbler' | 'mug' | 'pan' | 'container' | 'board' | 'kettle'
  | 'chair' | 'lantern' | 'tent' | 'cooler'
  | 'knit' | 'tshirt' | 'cap' | 'bag' | 'sneaker' | 'slipper'
  | 'tube' | 'jar' | 'bottle' | 'coffee' | 'tea' | 'box'

export interface DemoProduct {
  sku: string
  name: string
  /** The few words drawn on its image. */
  label: string
  category: string
  icon: DemoIcon
  /** Integer KRW. */
  price: number
  /** On hand at seeding; 0 is sold out. */
  stock: number
  description: string
  attributes: Record<string, string>
}

export const DEMO_CATEGORIES: readonly DemoCategory[] = [
  { slug: 'digital', name: '디지털·가전', parent: null, colour: '#4f6bed' },
  { slug: 'digital-audio', name: '음향기기', parent: 'digital', colour: '#5b5bd6' },
  { slug: 'digital-accessories', name: '모바일 액세서리', parent: 'digital', colour: '#2f80c9' },
  { slug: 'kitchen', name: '주방·생활', parent: null, colour: '#d9734e' },
  { slug: 'outdoor', name: '캠핑·아웃도어', parent: null, colour: '#3a8f62' },
  { slug: 'fashion', name: '패션', parent: null, colour: '#c2607f' },
  { slug: 'fashion-shoes', name: '신발', parent: 'fashion', colour: '#8a68cc' },
  { slug: 'beauty', name: '뷰티', parent: null, colour: '#d9779c' },
  { slug: 'food', name: '식품', parent: null, colour: '#a8733a' },
]

export const DEMO_PRODUCTS: readonly DemoProduct[] = [...digitalProducts, ...livingProducts, ...styleProducts, ...foodProducts]

/** The image of a product as the storefront links it: apps/web/public is served at the site root. */
export const demoImagePath = (sku: string): string => `/demo/${sku}.svg`

export function demoCategory(slug: string): DemoCategory {
  const category = DEMO_CATEGORIES.find((c) => c.slug === slug)
  if (!category) throw new Error(`no demo category ${slug}`)
  return category
}
