import type { Product } from '@shop/client'
import { isApiError } from '@shop/client'
import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { type FormEvent, useId, useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { useShop } from '../../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { Button, ErrorNote, Loading, Money, Notice, PageTitle } from '../../ui/primitives.tsx'
import { categoriesAdminQuery } from '../categories/api.ts'
import { categoryOptions } from '../categories/tree.ts'
import { adminKo } from '../ko.ts'
import { ConfirmButton } from '../ui/dialog.tsx'
import { TableWrap } from '../ui/table.tsx'
import { adminProductsQuery, type ProductFilters, useDeleteProduct, useSetStock } from './api.ts'

const t = adminKo.products

export function ProductsPage() {
  const client = useShop()
  const [params, setParams] = useSearchParams()
  const filters: ProductFilters = {
    q: params.get('q') ?? undefined,
    category: params.get('category') ?? undefined,
    inStock: params.get('stock') === 'in',
  }
  const categories = useQuery(categoriesAdminQuery(client))
  const list = useInfiniteQuery(adminProductsQuery(client, filters))
  const del = useDeleteProduct()
  const [message, setMessage] = useState<string | null>(null)
  const items = list.data?.pages.flatMap((p) => p.items) ?? []
  const catName = (id: string) => categories.data?.items.find((c) => c.id === id)?.name ?? ''

  return (
    <>
      <PageTitle title={`${t.title} | ${adminKo.consoleName}`} />
      <div className="admin-page-head">
        <h1>{t.title}</h1>
        <Link to="/admin/products/new" className="btn btn-primary">
          {t.new}
        </Link>
      </div>
      <Filters
        key={params.toString()}
        initial={{ q: filters.q ?? '', category: filters.category ?? '', stock: filters.inStock ? 'in' : '' }}
        categories={categoryOptions(categories.data?.items ?? [])}
        onApply={(f) => {
          const next = new URLSearchParams()
          if (f.q.trim()) next.set('q', f.q.trim())
          if (f.category) next.set('category', f.category)
          if (f.stock) next.set('stock', f.stock)
          setParams(next)
        }}
      />
      {message && <Notice tone="success">{message}</Notice>}
      {del.error && <ErrorNote message={messageFor(del.error)} />}
      {list.isPending && <Loading />}
      {list.isError && <ErrorNote message={messageFor(list.error)} onRetry={() => void list.refetch()} />}
      {list.data && items.length === 0 && <p className="empty">{t.empty}</p>}
      {items.length > 0 && (
        <TableWrap label={t.table}>
          <table className="admin-table">
            <caption className="visually-hidden">{t.table}</caption>
            <thead>
              <tr>
                <th scope="col">{t.image}</th>
                <th scope="col">{t.name}</th>
                <th scope="col">{t.sku}</th>
                <th scope="col">{t.category}</th>
                <th scope="col">{t.price}</th>
                <th scope="col">{t.available}</th>
                <th scope="col">{t.actions}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id}>
                  <td>{p.images[0] ? <img className="admin-thumb" src={p.images[0]} alt="" /> : null}</td>
                  <th scope="row">
                    <Link to={`/admin/products/${p.id}`}>{p.name}</Link>
                  </th>
                  <td className="mono">{p.sku}</td>
                  <td>{catName(p.categoryId)}</td>
                  <td>
                    <Money amount={p.price} />
                  </td>
                  <td>
                    <StockCell product={p} onDone={setMessage} />
                  </td>
                  <td>
                    <ConfirmButton
                      label={adminKo.common.delete}
                      question={t.deleteConfirm(p.name)}
                      variant="danger"
                      className="btn-small"
                      pending={del.isPending && del.variables === p.id}
                      onConfirm={() => del.mutate(p.id, { onSuccess: () => setMessage(t.deleted) })}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {list.hasNextPage && (
        <Button variant="secondary" onClick={() => void list.fetchNextPage()} pending={list.isFetchingNextPage}>
          {adminKo.common.more}
        </Button>
      )}
    </>
  )
}

type FilterValues = { q: string; category: string; stock: string }

function Filters({ initial, categories, onApply }: { initial: FilterValues; categories: { id: string; label: string }[]; onApply: (f: FilterValues) => void }) {
  const [f, setF] = useState(initial)
  const qId = useId()
  const catId = useId()
  const stockId = useId()
  const submit = (e: FormEvent) => {
    e.preventDefault()
    onApply(f)
  }
  return (
    <form role="search" className="admin-filters" onSubmit={submit}>
      <div className="field">
        <label htmlFor={qId}>{t.search}</label>
        <input id={qId} type="search" value={f.q} onChange={(e) => setF({ ...f, q: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={catId}>{t.category}</label>
        <select id={catId} value={f.category} onChange={(e) => setF({ ...f, category: e.target.value })}>
          <option value="">{adminKo.common.all}</option>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={stockId}>{t.stockFilter}</label>
        <select id={stockId} value={f.stock} onChange={(e) => setF({ ...f, stock: e.target.value })}>
          <option value="">{t.stockAll}</option>
          <option value="in">{t.stockIn}</option>
        </select>
      </div>
      <Button type="submit">{adminKo.common.search}</Button>
    </form>
  )
}

/** Available now, and on hand set inline; refused below what orders have reserved. */
function StockCell({ product, onDone }: { product: Product; onDone: (m: string) => void }) {
  const setStock = useSetStock()
  const id = useId()
  const [value, setValue] = useState(String(product.stock.available))
  const [error, setError] = useState<string | null>(null)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (!/^\d+$/.test(value.trim())) return setError(adminKo.productForm.errors.stock)
    setError(null)
    setStock.mutate(
      { id: product.id, onHand: Number(value.trim()) },
      {
        onSuccess: (level) => onDone(t.stockSaved(level.available)),
        onError: (err) => setError(isApiError(err, 'conflict') ? adminKo.productForm.stockBelowReserved : messageFor(err)),
      },
    )
  }
  return (
    <form className="admin-stock" onSubmit={submit} noValidate>
      <span className={product.stock.available === 0 ? 'admin-tag admin-tag-bad' : product.stock.available <= 5 ? 'admin-tag admin-tag-warn' : 'admin-tag'}>
        {product.stock.available === 0 ? t.soldOut : `${product.stock.available}개`}
      </span>
      <label htmlFor={id} className="visually-hidden">
        {t.onHandFor(product.name)}
      </label>
      <input
        id={id}
        inputMode="numeric"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      <Button type="submit" variant="ghost" pending={setStock.isPending}>
        {t.setStock}
      </Button>
      {error && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </form>
  )
}
