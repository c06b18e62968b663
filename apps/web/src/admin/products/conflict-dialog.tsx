import type { Category, Product } from '@shop/client'
import { Button, Loading } from '../../ui/primitives.tsx'
import { adminKo } from '../ko.ts'
import { Dialog } from '../ui/dialog.tsx'
import { diffProduct, fromProduct, type ProductFormValues } from './validate.ts'

const t = adminKo.conflict
const f = adminKo.productForm
const LABELS: Record<keyof ProductFormValues, string> = {
  name: f.name,
  sku: f.sku,
  price: f.price,
  stock: f.stock,
  description: f.description,
  categoryId: f.category,
  attributes: f.attributes,
  images: f.images,
}

type Props = {
  mine: ProductFormValues
  /** The product as saved now; null while it is being read. */
  theirs: Product | null
  categories: Category[]
  onReload: () => void
  onOverwrite: () => void
  overwriting: boolean
  onClose: () => void
}

/**
 * Someone else saved the product while this admin edited it: both versions side by side,
 * field by field, and a choice. Reloading is offered first; overwriting is explicit.
 */
export function ConflictDialog({ mine, theirs, categories, onReload, onOverwrite, overwriting, onClose }: Props) {
  const catName = (id: string) => categories.find((c) => c.id === id)?.name ?? id
  const readable = (field: keyof ProductFormValues, value: string) => (field === 'categoryId' ? catName(value) : value) || adminKo.common.none
  return (
    <Dialog title={t.title} onClose={onClose}>
      <p>{t.body}</p>
      {!theirs ? (
        <Loading label={t.loadingTheirs} />
      ) : (
        <div className="admin-diff-wrap">
          <table className="admin-table admin-diff">
            <thead>
              <tr>
                <th scope="col">{t.field}</th>
                <th scope="col">{t.mine}</th>
                <th scope="col">{t.theirs(theirs.version)}</th>
              </tr>
            </thead>
            <tbody>
              {diffProduct(mine, fromProduct(theirs)).map((d) => (
                <tr key={d.field}>
                  <th scope="row">{LABELS[d.field]}</th>
                  <td>{readable(d.field, d.mine)}</td>
                  <td>{readable(d.field, d.theirs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="row admin-dialog-actions">
        <Button data-autofocus onClick={onReload} disabled={!theirs}>
          {t.reload}
        </Button>
        <Button variant="danger" onClick={onOverwrite} disabled={!theirs} pending={overwriting}>
          {t.overwrite}
        </Button>
      </div>
    </Dialog>
  )
}
