import type { Category } from '@shop/contracts/product'
import type { Queryable } from '@shop/platform/db'
import { CategoryNotFound, SlugTaken, unknownReference } from '../product.errors.ts'
import { ValidationFailed } from '@shop/platform/errors'

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

/**
 * Renames or moves a category. Category writes take the table's write lock for the
 * transaction, so two moves at once cannot each pass the cycle check and together make
 * a loop (A under B while B goes under A); they are rare, reads are not blocked.
 */
export async function updateCategory(
  db: Queryable,
  id: string,
  patch: { name?: string; slug?: string; parentId?: string | null },
): Promise<Category> {
  await db.query('LOCK TABLE categories IN SHARE ROW EXCLUSIVE MODE')
  if (patch.parentId !== undefined && patch.parentId !== null) {
    // the new parent's ancestors, itself included: the category may not be among them
    const { rows } = await db.query<{ id: string }>(
      `WITH RECURSIVE up AS (
         SELECT id, parent_id FROM categories WHERE id = $1
         UNION
         SELECT c.id, c.parent_id FROM categories c JOIN up ON c.id = up.parent_id)
       SELECT id FROM up`,
      [patch.parentId],
    )
    if (rows.length === 0) throw unknownReference('/parentId', 'the parent category')
    if (rows.some((r) => r.id === id)) throw new ValidationFailed([{ path: '/parentId', message: 'a category cannot move under itself or one of its own sub-categories' }])
  }
  try {
    const { rows } = await db.query<CategoryRow>(
      `UPDATE categories SET
         name = COALESCE($2, name),
         slug = COALESCE($3, slug),
         parent_id = CASE WHEN $4::boolean THEN $5::uuid ELSE parent_id END
       WHERE id = $1 RETURNING id, name, slug, parent_id`,
      [id, patch.name ?? null, patch.slug ?? null, patch.parentId !== undefined, patch.parentId ?? null],
    )
    if (rows.length === 0) throw new CategoryNotFound(id)
    return toCategory(rows[0])
  } catch (err) {
    const e = err as { code?: string; constraint?: string }
    if (e.code === '23505' && e.constraint === 'categories_slug_key') throw new SlugTaken(patch.slug ?? '')
    throw err
  }
}
