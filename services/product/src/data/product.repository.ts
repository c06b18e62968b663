import type { Product } from '@shop/contracts/product'
import type { Queryable } from '@shop/platform/db'
import { SkuTaken, unknownReference } from '../product.errors.ts'

/** A product without its stock: what the catalogue cache holds. */
export type ProductCore = Omit<Product, 'stock'>

export interface ProductRow {
  id: string
  sku: string
  name: string
  description: string
  price: number
  currency: 'KRW'
  category_id: string
  attributes: Record<string, unknown>
  images: string[]
  version: number
  created_at: Date
  updated_at: Date
}

/** The columns every product read selects (aliased `p`). */
export const PRODUCT_COLUMNS = `p.id, p.sku, p.name, p.description, p.price, p.currency, p.category_id,
  p.attributes, p.images, p.version, p.created_at, p.updated_at`

/** A database row as the API's product fields. */
export function toProductCore(row: ProductRow): ProductCore {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    price: row.price,
    currency: row.currency,
    categoryId: row.category_id,
    attributes: row.attributes,
    images: row.images,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

export interface ProductFields {
  sku: string
  name: string
  description: string
  price: number
  categoryId: string
  attributes: Record<string, unknown>
  images: string[]
}

const pgCode = (err: unknown): string | undefined => (err as { code?: string }).code
const pgConstraint = (err: unknown): string | undefined => (err as { constraint?: string }).constraint

/** Maps the constraint violations a write can hit to the client's errors; rethrows the rest. */
function rethrowWriteError(err: unknown, sku: string | undefined): never {
  if (pgCode(err) === '23505' && pgConstraint(err) === 'products_sku_live_idx') throw new SkuTaken(sku ?? '')
  if (pgCode(err) === '23503' && pgConstraint(err) === 'products_category_id_fkey') {
    throw unknownReference('/categoryId', 'the category')
  }
  throw err
}

/** Inserts a product; a live duplicate sku is SkuTaken, an unknown category a 400 at /categoryId. */
export async function insertProduct(db: Queryable, f: ProductFields): Promise<ProductCore> {
  try {
    const { rows } = await db.query<ProductRow>(
      `INSERT INTO products AS p (sku, name, description, price, category_id, attributes, images)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${PRODUCT_COLUMNS}`,
      [f.sku, f.name, f.description, f.price, f.categoryId, JSON.stringify(f.attributes), f.images],
    )
    return toProductCore(rows[0])
  } catch (err) {
    rethrowWriteError(err, f.sku)
  }
}

/** A live product, or null when it does not exist or is deleted. */
export async function findProduct(db: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<ProductCore | null> {
  const { rows } = await db.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS} FROM products p WHERE p.id = $1 AND p.deleted_at IS NULL${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  )
  return rows[0] ? toProductCore(rows[0]) : null
}

const COLUMN_OF: Record<keyof ProductFields, string> = {
  sku: 'sku',
  name: 'name',
  description: 'description',
  price: 'price',
  categoryId: 'category_id',
  attributes: 'attributes',
  images: 'images',
}

/** Applies the given fields to a live product and bumps its version; null when there is no such product. */
export async function updateProduct(db: Queryable, id: string, patch: Partial<ProductFields>): Promise<ProductCore | null> {
  const sets = ['version = p.version + 1', 'updated_at = now()']
  const params: unknown[] = [id]
  for (const key of Object.keys(COLUMN_OF) as (keyof ProductFields)[]) {
    const value = patch[key]
    if (value === undefined) continue
    params.push(key === 'attributes' ? JSON.stringify(value) : value)
    sets.push(`${COLUMN_OF[key]} = $${params.length}`)
  }
  try {
    const { rows } = await db.query<ProductRow>(
      `UPDATE products p SET ${sets.join(', ')} WHERE p.id = $1 AND p.deleted_at IS NULL RETURNING ${PRODUCT_COLUMNS}`,
      params,
    )
    return rows[0] ? toProductCore(rows[0]) : null
  } catch (err) {
    rethrowWriteError(err, patch.sku)
  }
}

/** Soft-deletes a live product; false when there was none. */
export async function softDeleteProduct(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE products SET deleted_at = now(), updated_at = now(), version = version + 1 WHERE id = $1 AND deleted_at IS NULL',
    [id],
  )
  return rowCount === 1
}

/** Name and price of each live product among the ids (the reservation's price snapshot). */
export async function pricesOf(db: Queryable, ids: string[]): Promise<Map<string, { name: string; price: number }>> {
  const { rows } = await db.query<{ id: string; name: string; price: number }>(
    'SELECT id, name, price FROM products WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL',
    [ids],
  )
  return new Map(rows.map((r) => [r.id, { name: r.name, price: r.price }]))
}
