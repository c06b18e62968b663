import { isApiError } from '@shop/client'
import { useQuery } from '@tanstack/react-query'
import { type FormEvent, useId, useState } from 'react'
import { Link } from 'react-router'
import { useShop } from '../../api/shop.tsx'
import { messageFor } from '../../i18n/errors.ts'
import { Button, ErrorNote, Field, Loading, Notice, PageTitle } from '../../ui/primitives.tsx'
import { adminKo } from '../ko.ts'
import { categoriesAdminQuery, useCreateCategory } from './api.ts'
import { type CategoryNode, categoryOptions, categoryTree } from './tree.ts'

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
          {q.data && q.data.items.length > 0 && <Tree nodes={categoryTree(q.data.items)} />}
        </section>
        <AddCategory />
      </div>
    </>
  )
}

function Tree({ nodes }: { nodes: CategoryNode[] }) {
  return (
    <ul className="admin-tree">
      {nodes.map((n) => (
        <li key={n.id}>
          <span className="admin-tree-name">{n.name}</span> <span className="muted mono">/{n.slug}</span>{' '}
          <Link to={`/admin/products?category=${n.id}`} aria-label={`${n.name} ${adminKo.nav.products}`}>
            {adminKo.nav.products}
          </Link>
          {n.children.length > 0 && <Tree nodes={n.children} />}
        </li>
      ))}
    </ul>
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
