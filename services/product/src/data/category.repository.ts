import type { Category } from '@shop/contracts/product'
import type { Queryable } from '@shop/platform/db'
import { SlugTaken, unknownReference } from '../product.errors.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

interface CategoryRow {
  id: string
  name: string
  slug: string
  parent_id: string | null
}

const toCategory = (r: CategoryRow): Category => ({ id: r.id, name: r.name, slug: r.slug, parentId: r.parent_id })

/** Inserts a category; a taken slug is SlugTaken, an unknown parent a 400 at /parentId. */
export async function insertCategory(db: Queryable, c: { name: string; slug: string; parentId: string | null }): Promise<Category> {
  try {
    const { rows } = await db.query<CategoryRow>(
      'INSERT INTO categories (name, slug, parent_id) VALUES ($1, $2, $3) RETURNING id, name, slug, parent_id',
      [c.name, c.slug, c.parentId],
    )
    return toCategory(rows[0])
  } catch (err) {
    const e = err as { code?: string; constraint?: string }
    if (e.code === '23505' && e.constraint === 'categories_slug_key') throw new SlugTaken(c.slug)
    if (e.code === '23503') throw unknownReference('/parentId', 'the parent category')
    throw err
  }
}

/** Every category, parents before children at each level, then by name. */
export async function listCategories(db: Queryable): Promise<Category[]> {
  const { rows } = await db.query<CategoryRow>(
    `WITH RECURSIVE tree AS (
       SELECT id, name, slug, parent_id, ARRAY[name, id::text] AS path FROM categories WHERE parent_id IS NULL
       UNION ALL
       SELECT c.id, c.name, c.slug, c.parent_id, t.path || ARRAY[c.name, c.id::text]
       FROM categories c JOIN tree t ON c.parent_id = t.id)
     SELECT id, name, slug, parent_id FROM tree ORDER BY path`,
  )
  return rows.map(toCategory)
}

/** The ids of the category named by id or slug and of all its descendants; empty when there is none. */
export async function subtreeIds(db: Queryable, idOrSlug: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `WITH RECURSIVE tree AS (
       SELECT id FROM categories WHERE ($1::uuid IS NOT NULL AND id = $1::uuid) OR slug = $2
       UNION
       SELECT c.id FROM categories c JOIN tree t ON c.parent_id = t.id)
     SELECT id FROM tree`,
    [UUID.test(idOrSlug) ? idOrSlug : null, idOrSlug],
  )
  return rows.map((r) => r.id)
}
