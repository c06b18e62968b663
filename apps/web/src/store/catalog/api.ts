import type { Category, ProductListQuery, ShopClient } from '@shop/client'
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query'

export const categoriesQuery = (client: ShopClient) =>
  queryOptions({ queryKey: ['categories'], queryFn: () => client.categories.list(), staleTime: 5 * 60_000 })

export const productQuery = (client: ShopClient, id: string) =>
  queryOptions({ queryKey: ['product', id], queryFn: () => client.products.get(id) })

/** One listing (a category, a search, a filter and sort), page after page by cursor. */
export const listingQuery = (client: ShopClient, params: ProductListQuery, pageSize = 24) =>
  infiniteQueryOptions({
    queryKey: ['products', params, pageSize],
    queryFn: ({ pageParam }) => client.products.list({ ...params, limit: pageSize, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  })

export type Sort = NonNullable<ProductListQuery['sort']>
export const SORTS: Sort[] = ['relevance', 'price_asc', 'price_desc', 'newest']

/** The listing's query from the page's URL (`?q=&sort=&minPrice=&maxPrice=&inStock=1`). */
export function listingParams(search: URLSearchParams, category?: string): ProductListQuery {
  const out: ProductListQuery = {}
  const q = search.get('q')?.trim()
  if (q) out.q = q.slice(0, 200)
  if (category) out.category = category
  const sort = search.get('sort') as Sort | null
  if (sort && SORTS.includes(sort)) out.sort = sort
  for (const k of ['minPrice', 'maxPrice'] as const) {
    const v = Number(search.get(k))
    if (search.get(k) && Number.isInteger(v) && v >= 0) out[k] = v
  }
  if (search.get('inStock') === '1') out.inStock = true
  return out
}

export interface CategoryNode extends Category {
  children: CategoryNode[]
  depth: number
}

/** The flat category list as a tree, each level sorted by name. */
export function categoryTree(items: Category[]): CategoryNode[] {
  const nodes = new Map(items.map((c) => [c.id, { ...c, children: [] as CategoryNode[], depth: 0 }]))
  const roots: CategoryNode[] = []
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  const sortAndDepth = (list: CategoryNode[], depth: number) => {
    list.sort((a, b) => a.name.localeCompare(b.name, 'ko'))
    for (const n of list) {
      n.depth = depth
      sortAndDepth(n.children, depth + 1)
    }
  }
  sortAndDepth(roots, 0)
  return roots
}

/** A category and its ancestors, root first (breadcrumbs). */
export function categoryPath(items: Category[], id: string | undefined): Category[] {
  const byId = new Map(items.map((c) => [c.id, c]))
  const path: Category[] = []
  for (let c = id ? byId.get(id) : undefined; c && path.length < 20; c = c.parentId ? byId.get(c.parentId) : undefined) path.unshift(c)
  return path
}
