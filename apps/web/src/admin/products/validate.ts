import type { Product, ProductInput, ProductUpdate } from '@shop/client'
import { adminKo } from '../ko.ts'

const e = adminKo.productForm.errors
const MAX_PRICE = 100_000_000_000
const MAX_QUANTITY = 1_000_000_000
const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
const WHOLE = /^\d+$/

export type AttributeRow = { key: string; value: string }
export type ProductFormValues = {
  name: string
  sku: string
  price: string
  stock: string
  description: string
  categoryId: string
  attributes: AttributeRow[]
  images: string[]
}
/** Field name → Korean message; rows are `attributes.0.key`, `images.1`. */
export type FormErrors = Record<string, string>

export const emptyProduct = (): ProductFormValues => ({
  name: '',
  sku: '',
  price: '',
  stock: '0',
  description: '',
  categoryId: '',
  attributes: [],
  images: [''],
})

/** A product as the form edits it; stock is what is available now (on hand is not in the product's read). */
export function fromProduct(p: Product): ProductFormValues {
  return {
    name: p.name,
    sku: p.sku,
    price: String(p.price),
    stock: String(p.stock.available),
    description: p.description,
    categoryId: p.categoryId,
    attributes: Object.entries(p.attributes).map(([key, value]) => ({ key, value: typeof value === 'string' ? value : JSON.stringify(value) })),
    images: p.images.length ? [...p.images] : [''],
  }
}

const number = (s: string) => s.replace(/[,\s원]/g, '')

/** What is wrong with the form, in Korean, before anything is sent. */
export function validateProduct(v: ProductFormValues): FormErrors {
  const errors: FormErrors = {}
  if (!v.name.trim()) errors.name = e.required
  else if (v.name.trim().length > 200) errors.name = e.nameLength
  if (!v.sku.trim()) errors.sku = e.required
  else if (!SKU.test(v.sku.trim())) errors.sku = e.sku
  const price = number(v.price)
  if (!price) errors.price = e.required
  else if (!WHOLE.test(price) || Number(price) > MAX_PRICE) errors.price = e.price
  const stock = number(v.stock)
  if (!stock) errors.stock = e.required
  else if (!WHOLE.test(stock) || Number(stock) > MAX_QUANTITY) errors.stock = e.stock
  if (!v.categoryId) errors.categoryId = e.category
  const seen = new Set<string>()
  v.attributes.forEach((a, i) => {
    const key = a.key.trim()
    if (!key && !a.value.trim()) return
    if (!key) errors[`attributes.${i}.key`] = e.attributeKey
    else if (seen.has(key)) errors[`attributes.${i}.key`] = e.attributeDuplicate
    seen.add(key)
  })
  v.images.forEach((url, i) => {
    const u = url.trim()
    if (u && !/^https?:\/\/\S+$/.test(u) && !/^\/[^/\s]\S*$/.test(u)) errors[`images.${i}`] = e.imageUrl
  })
  return errors
}

/** The body of a create, from a valid form. */
export function toInput(v: ProductFormValues): ProductInput {
  return {
    name: v.name.trim(),
    sku: v.sku.trim(),
    price: Number(number(v.price)),
    stock: Number(number(v.stock)),
    description: v.description.trim(),
    categoryId: v.categoryId,
    attributes: Object.fromEntries(v.attributes.filter((a) => a.key.trim()).map((a) => [a.key.trim(), a.value.trim()])),
    images: v.images.map((u) => u.trim()).filter(Boolean),
  }
}

/**
 * The body of an update: every field, except stock unless it was changed here (the form shows
 * what is available; sending it back unchanged would drop on hand by what is reserved).
 */
export function toUpdate(v: ProductFormValues, initial: ProductFormValues): ProductUpdate {
  const { stock, ...rest } = toInput(v)
  return number(v.stock) === number(initial.stock) ? rest : { ...rest, stock }
}

export type FieldDiff = { field: keyof ProductFormValues; mine: string; theirs: string }

const shown = (v: ProductFormValues, f: keyof ProductFormValues): string => {
  if (f === 'attributes') return v.attributes.filter((a) => a.key.trim()).map((a) => `${a.key.trim()}: ${a.value.trim()}`).join(', ')
  if (f === 'images') return v.images.map((u) => u.trim()).filter(Boolean).join(', ')
  return String(v[f]).trim()
}

/** The fields where what I meant to save differs from what is saved now (for the conflict dialog). */
export function diffProduct(mine: ProductFormValues, theirs: ProductFormValues): FieldDiff[] {
  const fields: (keyof ProductFormValues)[] = ['name', 'sku', 'price', 'stock', 'categoryId', 'description', 'attributes', 'images']
  return fields.map((field) => ({ field, mine: shown(mine, field), theirs: shown(theirs, field) })).filter((d) => d.mine !== d.theirs)
}
