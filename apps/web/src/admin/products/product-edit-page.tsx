import { isApiError, type Product } from '@shop/client'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useLocation, useNavigate, useParams } from 'react-router'
import { useShop } from '../../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { ErrorNote, Loading, Notice, PageTitle } from '../../ui/primitives.tsx'
import { categoriesAdminQuery } from '../categories/api.ts'
import { adminKo } from '../ko.ts'
import { adminProductQuery, useCreateProduct, useUpdateProduct } from './api.ts'
import { ConflictDialog } from './conflict-dialog.tsx'
import { ProductForm } from './product-form.tsx'
import { emptyProduct, type FormErrors, fromProduct, type ProductFormValues, toInput, toUpdate } from './validate.ts'

const t = adminKo.products

/** /admin/products/new and /admin/products/:id */
export function ProductEditPage() {
  const { id } = useParams()
  const client = useShop()
  const categories = useQuery(categoriesAdminQuery(client))
  const product = useQuery({ ...adminProductQuery(client, id ?? ''), enabled: Boolean(id) })
  const title = id ? t.editTitle : t.newTitle
  const ready = categories.data && (!id || product.data)
  return (
    <>
      <PageTitle title={`${title} | ${adminKo.consoleName}`} />
      <p>
        <Link to="/admin/products">{t.backToList}</Link>
      </p>
      <h1>{id && product.data ? `${title}: ${product.data.name}` : title}</h1>
      {(categories.isPending || (id && product.isPending)) && <Loading />}
      {categories.isError && <ErrorNote message={messageFor(categories.error)} onRetry={() => void categories.refetch()} />}
      {product.isError && <ErrorNote message={isApiError(product.error, 'not_found') ? t.notFound : messageFor(product.error)} />}
      {ready && (id ? <EditProduct key={product.data!.id} product={product.data!} /> : <CreateProduct />)}
    </>
  )
}

function CreateProduct() {
  const client = useShop()
  const categories = useQuery(categoriesAdminQuery(client))
  const create = useCreateProduct()
  const navigate = useNavigate()
  const [serverErrors, setServerErrors] = useState<FormErrors>({})
  return (
    <ProductForm
      initial={emptyProduct()}
      categories={categories.data?.items ?? []}
      pending={create.isPending}
      serverErrors={serverErrors}
      saveError={create.error && !isApiError(create.error, 'conflict') ? messageFor(create.error) : null}
      onSubmit={(v) => {
        setServerErrors({})
        create.mutate(toInput(v), {
          onSuccess: (p) => navigate(`/admin/products/${p.id}`, { state: { created: true } }),
          // the only conflict a create can meet is a SKU in use
          onError: (err) => isApiError(err, 'conflict') && setServerErrors({ sku: adminKo.productForm.skuTaken }),
        })
      }}
    />
  )
}

function EditProduct({ product }: { product: Product }) {
  const client = useShop()
  const categories = useQuery(categoriesAdminQuery(client))
  const update = useUpdateProduct(product.id)
  const location = useLocation()
  const [saved, setSaved] = useState(false)
  const justCreated = (location.state as { created?: boolean } | null)?.created === true
  const [serverErrors, setServerErrors] = useState<FormErrors>({})
  const [conflict, setConflict] = useState<{ mine: ProductFormValues; theirs: Product | null } | null>(null)
  const [reloadTo, setReloadTo] = useState<Product | null>(null)
  // what the form starts from: the saved product, or a newer version the admin chose to reload
  const shown = reloadTo && reloadTo.version > product.version ? reloadTo : product
  const initial = fromProduct(shown)

  async function onConflict(mine: ProductFormValues) {
    // the same 409 says "someone saved meanwhile", "SKU in use" or "below reserved": the version tells them apart
    const now = await client.products.get(product.id).catch(() => null)
    if (now && now.version !== product.version) return setConflict({ mine, theirs: now })
    if (mine.sku.trim() !== initial.sku) setServerErrors((e) => ({ ...e, sku: adminKo.productForm.skuTaken }))
    if (mine.stock.trim() !== initial.stock) setServerErrors((e) => ({ ...e, stock: adminKo.productForm.stockBelowReserved }))
  }

  function save(v: ProductFormValues, version: number) {
    setSaved(false)
    setServerErrors({})
    update.mutate(
      { body: toUpdate(v, initial), version },
      {
        onSuccess: () => {
          setConflict(null)
          setSaved(true)
        },
        onError: (err) => {
          if (isApiError(err, 'conflict')) {
            setConflict(null)
            void onConflict(v)
          }
        },
      },
    )
  }

  return (
    <>
      {justCreated && !saved && <Notice tone="success">{t.created}</Notice>}
      {saved && <Notice tone="success">{adminKo.common.saved}</Notice>}
      <ProductForm
        key={shown.version}
        initial={fromProduct(shown)}
        categories={categories.data?.items ?? []}
        pending={update.isPending && !conflict}
        serverErrors={serverErrors}
        saveError={update.error && !isApiError(update.error, 'conflict') ? messageFor(update.error) : null}
        stockHint={`${adminKo.productForm.stockHint} · ${t.available} ${shown.stock.available}개`}
        onSubmit={(v) => save(v, shown.version)}
      />
      {conflict && (
        <ConflictDialog
          mine={conflict.mine}
          theirs={conflict.theirs}
          categories={categories.data?.items ?? []}
          overwriting={update.isPending}
          onClose={() => setConflict(null)}
          onReload={() => {
            setReloadTo(conflict.theirs)
            setConflict(null)
          }}
          onOverwrite={() => conflict.theirs && save(conflict.mine, conflict.theirs.version)}
        />
      )}
    </>
  )
}
