import type { FieldError } from '@shop/platform/errors'
import { imageUrlProblem } from './url-policy.ts'

/**
 * Rules on product input that a JSON schema cannot say: text is stored NFC-normalised and
 * trimmed (and must not be blank after that), attributes are bounded in serialised size,
 * image URLs obey the URL policy.
 */

export const MAX_ATTRIBUTES_BYTES = 8 * 1024

export interface ProductText {
  name?: string
  description?: string
  attributes?: Record<string, unknown>
  images?: string[]
}

/** Trimmed, NFC-normalised copies of the text fields given. */
export function cleanText<T extends ProductText>(input: T): T {
  const out = { ...input }
  if (out.name !== undefined) out.name = out.name.normalize('NFC').trim()
  if (out.description !== undefined) out.description = out.description.normalize('NFC').trim()
  if (out.images !== undefined) out.images = out.images.map((u) => u.trim())
  return out
}

/** Field errors (JSON pointers, as the schema validator reports them) for cleaned input. */
export function productInputErrors(input: ProductText): FieldError[] {
  const errors: FieldError[] = []
  if (input.name !== undefined && input.name.length === 0) errors.push({ path: '/name', message: 'must not be blank' })
  if (input.attributes !== undefined) {
    const bytes = Buffer.byteLength(JSON.stringify(input.attributes), 'utf8')
    if (bytes > MAX_ATTRIBUTES_BYTES) {
      errors.push({ path: '/attributes', message: `must be at most ${MAX_ATTRIBUTES_BYTES} bytes as JSON (is ${bytes})` })
    }
  }
  input.images?.forEach((url, i) => {
    const problem = imageUrlProblem(url)
    if (problem) errors.push({ path: `/images/${i}`, message: problem })
  })
  return errors
}

/** The names of the fields a write touched, for the product.updated event. */
export function changedFields(input: Record<string, unknown>): string[] {
  return Object.keys(input).filter((k) => input[k] !== undefined).sort()
}
