import { type Static, Type } from '@sinclair/typebox'

/**
 * HTTP shapes of the product service (API.md "Catalogue and inventory"), shared with the
 * order service (reservations) and the clients. One schema validates, documents and types.
 */

const Uuid = Type.String({ format: 'uuid' })
const Timestamp = Type.String({ format: 'date-time' })

/** Largest price accepted: 100 billion KRW, far inside the safe-integer range. */
export const MAX_PRICE = 100_000_000_000
/** Largest stock quantity and reservation line. */
export const MAX_QUANTITY = 1_000_000_000

export const Sku = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' })
export const Price = Type.Integer({ minimum: 0, maximum: MAX_PRICE, description: 'integer KRW' })
/** Free-form product attributes; its serialised size is bounded by the service (8 KiB). */
export const Attributes = Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), { maxProperties: 50 })
/** http(s) image URLs, or paths on the shop's own site (`/demo/x.svg`); the service refuses hosts that are loopback, private or link-local addresses. */
export const Images = Type.Array(Type.String({ minLength: 1, maxLength: 2048 }), { maxItems: 20 })

const productFields = {
  sku: Sku,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 5000 }),
  price: Price,
  categoryId: Uuid,
  attributes: Type.Optional(Attributes),
  images: Type.Optional(Images),
  /** Initial on-hand quantity (create) or a new on-hand quantity (update; refused below what is reserved). */
  stock: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_QUANTITY })),
}

export const ProductCreateBody = Type.Object(productFields, { additionalProperties: false })
export type ProductCreateBody = Static<typeof ProductCreateBody>

export const ProductUpdateBody = Type.Object(
  {
    sku: Type.Optional(productFields.sku),
    name: Type.Optional(productFields.name),
    description: Type.Optional(productFields.description),
    price: Type.Optional(productFields.price),
    categoryId: Type.Optional(productFields.categoryId),
    attributes: productFields.attributes,
    images: productFields.images,
    stock: productFields.stock,
  },
  { additionalProperties: false, minProperties: 1 },
)
export type ProductUpdateBody = Static<typeof ProductUpdateBody>

export const Product = Type.Object({
  id: Uuid,
  sku: Type.String(),
  name: Type.String(),
  description: Type.String(),
  price: Type.Integer(),
  currency: Type.Literal('KRW'),
  categoryId: Uuid,
  attributes: Type.Record(Type.String(), Type.Unknown()),
  images: Type.Array(Type.String()),
  stock: Type.Object({ available: Type.Integer() }),
  /** Optimistic-concurrency version; also the ETag (`"<version>"`). */
  version: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type Product = Static<typeof Product>

export const ProductSort = Type.Union([
  Type.Literal('relevance'),
  Type.Literal('price_asc'),
  Type.Literal('price_desc'),
  Type.Literal('newest'),
])
export type ProductSort = Static<typeof ProductSort>

export const ProductListQuery = Type.Object({
  /** Every term must match name or description: 3+ characters anywhere (inside words too), shorter ones at a word's start. */
  q: Type.Optional(Type.String({ maxLength: 200 })),
  /** A category id or slug; its sub-categories are included. */
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  minPrice: Type.Optional(Price),
  maxPrice: Type.Optional(Price),
  inStock: Type.Optional(Type.Boolean()),
  /**
   * Default: relevance when q is given, else newest (relevance without q is newest).
   * Relevance ranks the newest 1,000 matches best-first, then lists older matches newest-first.
   */
  sort: Type.Optional(ProductSort),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
})
export type ProductListQuery = Static<typeof ProductListQuery>

export const CategoryFacet = Type.Object({ categoryId: Uuid, count: Type.Integer() })

/**
 * Counts per (assigned) category of the products matching the current filter, on the
 * first page only. They cover at most 1,000 matches (with sort=relevance, the 1,000 newest);
 * `exact: false` says there were more and the counts are a sample.
 */
export const ProductFacets = Type.Object({
  categories: Type.Array(CategoryFacet),
  exact: Type.Boolean(),
})

export const ProductList = Type.Object({
  items: Type.Array(Product),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  facets: Type.Optional(ProductFacets),
})
export type ProductList = Static<typeof ProductList>

export const StockBody = Type.Object(
  { onHand: Type.Integer({ minimum: 0, maximum: MAX_QUANTITY }) },
  { additionalProperties: false },
)
export type StockBody = Static<typeof StockBody>

export const StockLevel = Type.Object({
  productId: Uuid,
  onHand: Type.Integer(),
  reserved: Type.Integer(),
  available: Type.Integer(),
})
export type StockLevel = Static<typeof StockLevel>

export const Category = Type.Object({
  id: Uuid,
  name: Type.String(),
  slug: Type.String(),
  parentId: Type.Union([Uuid, Type.Null()]),
})
export type Category = Static<typeof Category>

export const CategoryCreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    slug: Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' }),
    parentId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  },
  { additionalProperties: false },
)
export type CategoryCreateBody = Static<typeof CategoryCreateBody>

/** Rename (name, slug) or move (parentId: another category, or null for the top level). */
export const CategoryUpdateBody = Type.Object(
  {
    name: Type.Optional(CategoryCreateBody.properties.name),
    slug: Type.Optional(CategoryCreateBody.properties.slug),
    parentId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type CategoryUpdateBody = Static<typeof CategoryUpdateBody>

export const CategoryList = Type.Object({ items: Type.Array(Category) })

export const ReservationStatus = Type.Union([
  Type.Literal('ACTIVE'),
  Type.Literal('COMMITTED'),
  Type.Literal('RELEASED'),
  Type.Literal('RESTOCKED'),
  Type.Literal('EXPIRED'),
])
export type ReservationStatus = Static<typeof ReservationStatus>

/**
 * `POST /internal/reservations` (order → product). All lines or none. The same orderId
 * again answers 200 with the existing reservation (201 the first time); the same orderId
 * with other items is 409 conflict. Not enough stock: 409 insufficient_stock naming the
 * product. An unknown or deleted product: 400 validation_failed at `/items/<i>/productId`.
 */
export const ReservationCreateBody = Type.Object(
  {
    orderId: Uuid,
    items: Type.Array(
      Type.Object(
        { productId: Uuid, quantity: Type.Integer({ minimum: 1, maximum: MAX_QUANTITY }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
    /** Default 1200 (20 min, longer than the order's 15 min payment window). */
    ttlSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600 })),
  },
  { additionalProperties: false },
)
export type ReservationCreateBody = Static<typeof ReservationCreateBody>

export const Reservation = Type.Object({
  reservationId: Uuid,
  orderId: Uuid,
  status: ReservationStatus,
  expiresAt: Timestamp,
  /** Unit prices and names from the product table at reservation time: the order's price snapshot. */
  items: Type.Array(
    Type.Object({ productId: Uuid, quantity: Type.Integer(), unitPrice: Type.Integer(), name: Type.String() }),
  ),
})
export type Reservation = Static<typeof Reservation>

/** `GET /products/suggest`: what a shopper has typed so far (1+ characters, any part of a word of the name). */
export const SuggestQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 100 }),
    limit: Type.Integer({ minimum: 1, maximum: 10, default: 10 }),
  },
  { additionalProperties: false },
)
export type SuggestQuery = Static<typeof SuggestQuery>

export const Suggestion = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  price: Type.Integer({ minimum: 0 }),
  image: Type.Optional(Type.String({ description: 'the first image' })),
})
export type Suggestion = Static<typeof Suggestion>

export const SuggestionList = Type.Object({ items: Type.Array(Suggestion) })
export type SuggestionList = Static<typeof SuggestionList>
