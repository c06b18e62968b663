import { describe, expect, it } from 'vitest'
import { containsPattern, isSubstringTerm, MAX_QUERY_CHARS, MAX_TERMS, normaliseSearch, prefixQuery, wholeWordPattern } from './search-terms.ts'

describe('normaliseSearch', () => {
  it('lower-cases and splits on spaces and punctuation', () => {
    expect(normaliseSearch('  Bluetooth   SPEAKER!! ')).toEqual({ text: 'bluetooth speaker', terms: ['bluetooth', 'speaker'] })
  })

  it('keeps Korean terms intact and folds decomposed Hangul (NFD) to composed syllables', () => {
    const nfd = '이어폰'.normalize('NFD')
    expect(nfd).not.toBe('이어폰')
    expect(normaliseSearch(`무선 ${nfd}`)?.terms).toEqual(['무선', '이어폰'])
  })

  it('folds full-width Latin letters to ASCII', () => {
    expect(normaliseSearch('ｓｐｅａｋｅｒ')?.terms).toEqual(['speaker'])
  })

  it('keeps joiners inside a term but not at its edges', () => {
    expect(normaliseSearch('t-shirt 3.5mm -sale- c++')?.terms).toEqual(['t-shirt', '3.5mm', 'sale', 'c++'])
  })

  it('drops LIKE wildcards and duplicate terms', () => {
    expect(normaliseSearch('100% cotton_shirt cotton')?.terms).toEqual(['100', 'cotton', 'shirt'])
  })

  it('returns null when nothing searchable is left', () => {
    expect(normaliseSearch('')).toBeNull()
    expect(normaliseSearch(undefined)).toBeNull()
    expect(normaliseSearch(' !!! %% ')).toBeNull()
  })

  it('bounds the number of terms and the length of the text', () => {
    const many = Array.from({ length: 20 }, (_, i) => `word${i}`).join(' ')
    expect(normaliseSearch(many)?.terms).toHaveLength(MAX_TERMS)
    const long = normaliseSearch('가'.repeat(500))
    expect(long?.text.length).toBe(MAX_QUERY_CHARS)
  })
})

describe('term helpers', () => {
  it('treats three or more characters as a substring term', () => {
    expect(isSubstringTerm('이어폰')).toBe(true)
    expect(isSubstringTerm('폰')).toBe(false)
    expect(isSubstringTerm('tv')).toBe(false)
  })

  it('escapes LIKE metacharacters in a contains pattern', () => {
    expect(containsPattern('a%b_c\\d')).toBe('%a\\%b\\_c\\\\d%')
  })

  it('quotes a prefix query so operators stay literal', () => {
    expect(prefixQuery("it's")).toBe("'it''s':*")
    expect(prefixQuery('a&b')).toBe("'a&b':*")
  })
})

describe('wholeWordPattern', () => {
  it('marks word boundaries at ends that are word characters and escapes everything but letters and digits', () => {
    expect(wholeWordPattern('이어폰')).toBe('\\m이어폰\\M')
    expect(wholeWordPattern('t-shirt')).toBe('\\mt\\-shirt\\M')
    expect(wholeWordPattern('c++')).toBe('\\mc\\+\\+')
    expect(wholeWordPattern('3.5mm')).toBe('\\m3\\.5mm\\M')
  })
})
