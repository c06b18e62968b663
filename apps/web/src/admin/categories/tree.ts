import type { Category } from '@shop/client'

export type CategoryNode = Category & { children: CategoryNode[]; depth: number }

/** The categories as a tree, siblings by name; a category whose parent is unknown stays at the top. */
export function categoryTree(items: Category[]): CategoryNode[] {
  const nodes = new Map(items.map((c) => [c.id, { ...c, children: [] as CategoryNode[], depth: 0 }]))
  const roots: CategoryNode[] = []
  for (const n of nodes.values()) {
    const parent = n.parentId ? nodes.get(n.parentId) : undefined
    if (parent) parent.children.push(n)
    else roots.push(n)
  }
  const order = (list: CategoryNode[], depth: number) => {
    list.sort((a, b) => a.name.localeCompare(b.name, 'ko'))
    for (const n of list) {
      n.depth = depth
      order(n.children, depth + 1)
    }
  }
  order(roots, 0)
  return roots
}

/** Options for a category select: depth-first, each named by its path (`디지털 › 음향기기`) so it reads well aloud. */
export function categoryOptions(items: Category[]): { id: string; label: string }[] {
  const out: { id: string; label: string }[] = []
  const walk = (list: CategoryNode[], path: string) => {
    for (const n of list) {
      const label = path ? `${path} › ${n.name}` : n.name
      out.push({ id: n.id, label })
      walk(n.children, label)
    }
  }
  walk(categoryTree(items), '')
  return out
}

/** A category and all of its sub-categories: where it may not be moved. */
export function subtreeOf(items: Category[], id: string): Set<string> {
  const out = new Set([id])
  let grew = true
  while (grew) {
    grew = false
    for (const c of items) {
      if (c.parentId && out.has(c.parentId) && !out.has(c.id)) {
        out.add(c.id)
        grew = true
      }
    }
  }
  return out
}
