import type { Category } from '@shop/client'
import { type FormEvent, useId, useRef, useState } from 'react'
import { Button, ErrorNote, Field } from '../../ui/primitives.tsx'
import { adminKo } from '../ko.ts'
import { categoryOptions } from '../categories/tree.ts'
import { type FormErrors, type ProductFormValues, validateProduct } from './validate.ts'

const t = adminKo.productForm

type Props = {
  initial: ProductFormValues
  categories: Category[]
  /** Called with valid values only. */
  onSubmit: (values: ProductFormValues) => void
  pending: boolean
  /** A failure of the last save, already in Korean. */
  saveError?: string | null
  /** Field errors the server gave (a taken SKU). */
  serverErrors?: FormErrors
  stockHint?: string
}

/** The product form: every field labelled by its UI.md name, checked before anything is sent. */
export function ProductForm({ initial, categories, onSubmit, pending, saveError, serverErrors, stockHint }: Props) {
  const [v, setV] = useState<ProductFormValues>(initial)
  const [errors, setErrors] = useState<FormErrors>({})
  const [submitted, setSubmitted] = useState(false)
  const formRef = useRef<HTMLFormElement>(null)
  const descId = useId()
  const catId = useId()
  const all = { ...serverErrors, ...errors }
  const set = <K extends keyof ProductFormValues>(k: K, value: ProductFormValues[K]) => {
    const next = { ...v, [k]: value }
    setV(next)
    // once the person has tried to save, errors follow what they type
    if (submitted) setErrors(validateProduct(next))
  }

  function submit(e: FormEvent) {
    e.preventDefault()
    const found = validateProduct(v)
    setErrors(found)
    setSubmitted(true)
    if (Object.keys(found).length) {
      // the first field with a problem gets the focus, so a keyboard user lands on it
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus())
      return
    }
    onSubmit(v)
  }

  const count = Object.keys(errors).length
  return (
    <form ref={formRef} onSubmit={submit} noValidate className="admin-form">
      {submitted && count > 0 && (
        <div className="notice notice-error" role="alert">
          <p>{t.errors.summary(count)}</p>
        </div>
      )}
      <div className="admin-form-grid">
        <Field label={t.name} value={v.name} onChange={(e) => set('name', e.target.value)} error={all.name} required maxLength={200} />
        <Field label={t.sku} value={v.sku} onChange={(e) => set('sku', e.target.value)} error={all.sku} hint={t.skuHint} required autoCapitalize="characters" spellCheck={false} />
        <Field label={t.price} value={v.price} onChange={(e) => set('price', e.target.value)} error={all.price} hint={t.priceHint} required inputMode="numeric" />
        <Field label={t.stock} value={v.stock} onChange={(e) => set('stock', e.target.value)} error={all.stock} hint={stockHint ?? t.stockHint} required inputMode="numeric" />
        <div className={`field${all.categoryId ? ' field-invalid' : ''}`}>
          <label htmlFor={catId}>{t.category}</label>
          <select
            id={catId}
            value={v.categoryId}
            onChange={(e) => set('categoryId', e.target.value)}
            aria-invalid={all.categoryId ? true : undefined}
            aria-describedby={all.categoryId ? `${catId}-error` : undefined}
            required
          >
            <option value="">{t.chooseCategory}</option>
            {categoryOptions(categories).map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
          {all.categoryId && (
            <p className="field-error" id={`${catId}-error`}>
              {all.categoryId}
            </p>
          )}
        </div>
      </div>
      <div className="field">
        <label htmlFor={descId}>{t.description}</label>
        <textarea id={descId} rows={5} value={v.description} onChange={(e) => set('description', e.target.value)} maxLength={5000} />
      </div>
      <fieldset className="admin-rows">
        <legend>{t.attributes}</legend>
        {v.attributes.map((a, i) => (
          <div className="admin-row-fields" key={i}>
            <Field
              label={t.attributeKey(i + 1)}
              value={a.key}
              error={all[`attributes.${i}.key`]}
              onChange={(e) => set('attributes', v.attributes.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))}
            />
            <Field label={t.attributeValue(i + 1)} value={a.value} onChange={(e) => set('attributes', v.attributes.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} />
            <Button variant="ghost" onClick={() => set('attributes', v.attributes.filter((_, j) => j !== i))}>
              {t.removeAttribute(i + 1)}
            </Button>
          </div>
        ))}
        <Button variant="secondary" onClick={() => set('attributes', [...v.attributes, { key: '', value: '' }])}>
          {t.addAttribute}
        </Button>
      </fieldset>
      <fieldset className="admin-rows">
        <legend>{t.images}</legend>
        {v.images.map((url, i) => (
          <div className="admin-row-fields admin-image-row" key={i}>
            <Field
              label={t.imageUrl(i + 1)}
              value={url}
              type="url"
              inputMode="url"
              error={all[`images.${i}`]}
              onChange={(e) => set('images', v.images.map((x, j) => (j === i ? e.target.value : x)))}
            />
            {url.trim() && !all[`images.${i}`] && <img className="admin-image-preview" src={url.trim()} alt={t.preview(i + 1)} />}
            <Button variant="ghost" onClick={() => set('images', v.images.filter((_, j) => j !== i))}>
              {t.removeImage(i + 1)}
            </Button>
          </div>
        ))}
        <Button variant="secondary" onClick={() => set('images', [...v.images, ''])}>
          {t.addImage}
        </Button>
      </fieldset>
      {saveError && <ErrorNote message={saveError} />}
      <div className="row">
        <Button type="submit" pending={pending} pendingLabel={adminKo.common.saving}>
          {t.save}
        </Button>
      </div>
    </form>
  )
}
