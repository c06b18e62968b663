import { isApiError } from '@shop/client'
import { useQuery } from '@tanstack/react-query'
import { type FormEvent, useId, useState } from 'react'
import { Link } from 'react-router'
import { useShop } from '../../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { Button, ErrorNote, Field, Loading, Notice, PageTitle } from '../../ui/primitives.tsx'
import { adminKo } from '../ko.ts'
import { categoriesAdminQuery, useCreateCategory, useUpdateCategory } from './api.ts'
import { type CategoryNode, categoryOptions, categoryTree, subtreeOf } from './tree.ts'
import type { Category } from '@shop/client'

const t = adminKo.categories
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

export function CategoriesPage() {
  const client = useShop()
  const q = useQuery(categoriesAdminQuery(client))
  return (
    <>
      <PageTitle title={`${t.title} | ${adminKo.consoleName}`} />
      <h1>{t.title}</h1>
      <div className="admin-two-col">
        <section aria-labelledby="tree-heading" className="panel">
          <h2 id="tree-heading">{t.tree}</h2>
          {q.isPending && <Loading />}
          {q.isError && <ErrorNote message={messageFor(q.error)} onRetry={() => void q.refetch()} />}
          {q.data && q.data.items.length === 0 && <p>{t.empty}</p>}
          {q.data && q.data.items.length > 0 && <Tree nodes={categoryTree(q.data.items)} all={q.data.items} />}
        </section>
        <AddCategory />
      </div>
    </>
  )
}

function Tree({ nodes, all }: { nodes: CategoryNode[]; all: Category[] }) {
  const [editing, setEditing] = useState<string | null>(null)
  return (
    <ul className="admin-tree">
      {nodes.map((n) => (
        <li key={n.id}>
          {editing === n.id ? (
            <EditCategory category={n} all={all} onDone={() => setEditing(null)} />
          ) : (
            <>
              <span className="admin-tree-name">{n.name}</span> <span className="muted mono">/{n.slug}</span>{' '}
              <Link to={`/admin/products?category=${n.id}`} aria-label={`${n.name} ${adminKo.nav.products}`}>
                {adminKo.nav.products}
              </Link>{' '}
              <button type="button" className="linklike" aria-label={t.editOf(n.name)} onClick={() => setEditing(n.id)}>
                {t.edit}
              </button>
            </>
          )}
          {n.children.length > 0 && <Tree nodes={n.children} all={all} />}
        </li>
      ))}
    </ul>
  )
}

/** Rename a category, change its slug, or move it under another parent (never into its own subtree). */
function EditCategory({ category, all, onDone }: { category: Category; all: Category[]; onDone: () => void }) {
  const update = useUpdateCategory()
  const parentId = useId()
  const [name, setName] = useState(category.name)
  const [slug, setSlug] = useState(category.slug)
  const [parent, setParent] = useState(category.parentId ?? '')
  const [errors, setErrors] = useState<{ name?: string; slug?: string; parent?: string }>({})
  const own = subtreeOf(all, category.id)
  function submit(e: FormEvent) {
    e.preventDefault()
    const found: typeof errors = {}
    if (!name.trim()) found.name = adminKo.productForm.errors.required
    if (!SLUG.test(slug.trim())) found.slug = t.errors.slug
    setErrors(found)
    if (found.name || found.slug) return
    update.mutate(
      { id: category.id, body: { name: name.trim(), slug: slug.trim(), parentId: parent || null } },
      {
        onSuccess: onDone,
        onError: (err) => {
          if (isApiError(err, 'conflict')) setErrors({ slug: t.slugTaken })
          else if (isApiError(err, 'validation_failed') && err.errors.some((x) => x.path === '/parentId')) setErrors({ parent: t.errors.cycle })
        },
      },
    )
  }
  return (
    <form onSubmit={submit} noValidate className="admin-inline-form" aria-label={t.editOf(category.name)}>
      <Field label={t.name} value={name} onChange={(e) => setName(e.target.value)} error={errors.name} maxLength={100} autoFocus />
      <Field label={t.slug} value={slug} onChange={(e) => setSlug(e.target.value)} error={errors.slug} spellCheck={false} />
      <div className="field">
        <label htmlFor={parentId}>{t.parent}</label>
        <select id={parentId} value={parent} onChange={(e) => setParent(e.target.value)} aria-describedby={errors.parent ? `${parentId}-err` : undefined}>
          <option value="">{t.topLevel}</option>
          {categoryOptions(all)
            .filter((c) => !own.has(c.id))
            .map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
        </select>
        {errors.parent && (
          <p className="field-error" id={`${parentId}-err`}>
            {errors.parent}
          </p>
        )}
      </div>
      {update.error && !isApiError(update.error, 'conflict') && !errors.parent && <ErrorNote message={messageFor(update.error)} />}
      <div className="row">
        <Button type="submit" pending={update.isPending} pendingLabel={adminKo.common.saving}>
          {t.save}
        </Button>
        <Button variant="secondary" onClick={onDone}>
          {t.cancel}
        </Button>
      </div>
    </form>
  )
}

function AddCategory() {
  const client = useShop()
  const q = useQuery(categoriesAdminQuery(client))
  const create = useCreateCategory()
  const parentId = useId()
  const [name, setName] = useState('')
  const [slug, setSlug] = useState('')
  const [parent, setParent] = useState('')
  const [errors, setErrors] = useState<{ name?: string; slug?: string }>({})
  const [done, setDone] = useState<string | null>(null)

  function submit(e: FormEvent) {
    e.preventDefault()
    const found: typeof errors = {}
    if (!name.trim()) found.name = adminKo.productForm.errors.required
    if (!slug.trim()) found.slug = adminKo.productForm.errors.required
    else if (!SLUG.test(slug.trim())) found.slug = t.errors.slug
    setErrors(found)
    setDone(null)
    if (found.name || found.slug) return
    create.mutate(
      { name: name.trim(), slug: slug.trim(), ...(parent ? { parentId: parent } : {}) },
      {
        onSuccess: (c) => {
          setDone(t.created(c.name))
          setName('')
          setSlug('')
        },
        onError: (err) => isApiError(err, 'conflict') && setErrors({ slug: t.slugTaken }),
      },
    )
  }

  return (
    <section aria-labelledby="add-heading" className="panel">
      <h2 id="add-heading">{t.add}</h2>
      <form onSubmit={submit} noValidate>
        <Field label={t.name} value={name} onChange={(e) => setName(e.target.value)} error={errors.name} required maxLength={100} />
        <Field label={t.slug} value={slug} onChange={(e) => setSlug(e.target.value)} error={errors.slug} hint={t.slugHint} required spellCheck={false} />
        <div className="field">
          <label htmlFor={parentId}>{t.parent}</label>
          <select id={parentId} value={parent} onChange={(e) => setParent(e.target.value)}>
            <option value="">{t.topLevel}</option>
            {categoryOptions(q.data?.items ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        {create.error && !isApiError(create.error, 'conflict') && <ErrorNote message={messageFor(create.error)} />}
        {done && <Notice tone="success">{done}</Notice>}
        <Button type="submit" pending={create.isPending} pendingLabel={adminKo.common.saving}>
          {t.add}
        </Button>
      </form>
    </section>
  )
}
