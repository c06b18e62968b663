import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { encode, preferredCoding } from './encoding.ts'

describe('preferredCoding', () => {
  it('takes brotli from what browsers send, gzip when brotli is not offered', () => {
    expect(preferredCoding('gzip, deflate, br, zstd')).toBe('br')
    expect(preferredCoding('gzip, deflate')).toBe('gzip')
    expect(preferredCoding('x-gzip')).toBe('gzip')
    expect(preferredCoding(['deflate', 'gzip'])).toBe('gzip')
  })

  it('follows q-values, and q=0 refuses a coding', () => {
    expect(preferredCoding('br;q=0.5, gzip;q=0.8')).toBe('gzip')
    expect(preferredCoding('br;q=0, gzip')).toBe('gzip')
    expect(preferredCoding('BR ; Q=0.9, gzip;q=0.9')).toBe('br')
    expect(preferredCoding('br;q=0, gzip;q=0')).toBeUndefined()
    expect(preferredCoding('gzip;q=bogus')).toBeUndefined()
  })

  it('reads * as every coding not named', () => {
    expect(preferredCoding('*')).toBe('br')
    expect(preferredCoding('br;q=0, *')).toBe('gzip')
    expect(preferredCoding('*;q=0')).toBeUndefined()
  })

  it('answers none for none, identity or an unknown coding', () => {
    expect(preferredCoding(undefined)).toBeUndefined()
    expect(preferredCoding('')).toBeUndefined()
    expect(preferredCoding('identity')).toBeUndefined()
    expect(preferredCoding('zstd, deflate')).toBeUndefined()
  })
})

describe('preferredCoding, asked again', () => {
  it('gives each header the same answer every time, whatever was asked in between, and parses long ones too', () => {
    const headers = ['gzip, deflate, br, zstd', 'gzip', 'br;q=0, gzip;q=0.5', 'identity', 'br;q=0.1, gzip;q=0.9']
    const expected = ['br', 'gzip', 'gzip', undefined, 'gzip']
    for (let round = 0; round < 3; round++) expect(headers.map((h) => preferredCoding(h))).toEqual(expected)
    // More distinct headers than are kept: the oldest are parsed again, with the same answers.
    for (let i = 0; i < 300; i++) expect(preferredCoding(`gzip;q=0.${(i % 9) + 1}, x-custom-${i}`)).toBe('gzip')
    expect(headers.map((h) => preferredCoding(h))).toEqual(expected)
    const long = `${Array.from({ length: 60 }, (_, i) => `x-coding-${i}`).join(', ')}, br`
    expect(long.length).toBeGreaterThan(256)
    expect(preferredCoding(long)).toBe('br')
    expect(preferredCoding(long)).toBe('br')
  })
})

describe('encode', () => {
  const body = Buffer.from('<!doctype html><p>무선 이어폰 </p>'.repeat(200))

  it('compresses a body that decompresses to the same bytes, once per body', () => {
    const br = encode(body, 'br')
    expect(brotliDecompressSync(br).equals(body)).toBe(true)
    expect(br.length).toBeLessThan(body.length / 4)
    expect(encode(body, 'br')).toBe(br)
    const gz = encode(body, 'gzip')
    expect(gunzipSync(gz).equals(body)).toBe(true)
    expect(encode(body, 'gzip')).toBe(gz)
  })

  it('keeps equal bodies that are different buffers apart', () => {
    const copy = Buffer.from(body)
    expect(encode(copy, 'gzip')).not.toBe(encode(body, 'gzip'))
    expect(encode(copy, 'gzip').equals(encode(body, 'gzip'))).toBe(true)
  })
})
