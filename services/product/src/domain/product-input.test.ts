import { describe, expect, it } from 'vitest'
import { changedFields, cleanText, MAX_ATTRIBUTES_BYTES, productInputErrors } from './product-input.ts'

describe('product input rules', () => {
  it('trims text and composes decomposed Hangul', () => {
    const clean = cleanText({ name: `  ${'이어폰'.normalize('NFD')}  `, description: ' 설명 ', images: [' https://a.example/x.png '] })
    expect(clean).toEqual({ name: '이어폰', description: '설명', images: ['https://a.example/x.png'] })
  })

  it('reports a blank name, oversized attributes and refused image URLs with their paths', () => {
    const errors = productInputErrors({
      name: '',
      attributes: { blob: 'x'.repeat(MAX_ATTRIBUTES_BYTES) },
      images: ['https://ok.example/a.png', 'http://localhost/a.png'],
    })
    expect(errors.map((e) => e.path)).toEqual(['/name', '/attributes', '/images/1'])
  })

  it('counts attribute size in UTF-8 bytes, not characters', () => {
    const korean = { note: '가'.repeat(3000) }
    expect(JSON.stringify(korean).length).toBeLessThan(MAX_ATTRIBUTES_BYTES)
    expect(productInputErrors({ attributes: korean }).map((e) => e.path)).toEqual(['/attributes'])
  })

  it('accepts input that only touches some fields', () => {
    expect(productInputErrors({ description: '' })).toEqual([])
  })

  it('names the fields a write set, sorted', () => {
    expect(changedFields({ price: 1, name: 'x', images: undefined })).toEqual(['name', 'price'])
  })
})
