import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  createFieldCipher,
  generateKeyringSpec,
  maskAddress,
  maskEmail,
  maskName,
  maskPhone,
  nextNonce,
  parseKeyring,
} from '@shop/platform/crypto'

const key = (): string => randomBytes(32).toString('base64')

describe('parseKeyring', () => {
  it('takes the first entry as the active key and keeps every key by id', () => {
    const ring = parseKeyring(`new:${key()}, old:${key()}`)
    expect(ring.activeKid).toBe('new')
    expect([...ring.keys.keys()]).toEqual(['new', 'old'])
    expect(ring.keys.get('old')?.length).toBe(32)
  })

  it('when a key is not 32 bytes, the error names its kid', () => {
    expect(() => parseKeyring(`good:${key()},short:${randomBytes(16).toString('base64')}`)).toThrow(/"short".*32 bytes/)
    expect(() => parseKeyring(`junk:not base64!`)).toThrow(/"junk"/)
  })

  it('rejects an empty spec, a missing kid, a duplicate kid and a kid with a dot', () => {
    expect(() => parseKeyring('')).toThrow(/empty/)
    expect(() => parseKeyring(`:${key()}`)).toThrow(/kid:base64key/)
    expect(() => parseKeyring(`a:${key()},a:${key()}`)).toThrow(/"a" appears twice/)
    expect(() => parseKeyring(`a.b:${key()}`)).toThrow(/"a.b"/)
  })

  it('generateKeyringSpec produces a spec that parses, with the kid asked for', () => {
    const ring = parseKeyring(generateKeyringSpec('k2025'))
    expect(ring.activeKid).toBe('k2025')
    expect(ring.keys.get('k2025')?.length).toBe(32)
    expect(parseKeyring(generateKeyringSpec()).activeKid).toMatch(/^k[0-9a-f]{8}$/)
  })
})

describe('createFieldCipher', () => {
  const cipher = createFieldCipher(parseKeyring(generateKeyringSpec('k1')))

  it('round-trips Korean text and names the key in the ciphertext', () => {
    const plain = '서울특별시 강남구 테헤란로 123, 홍길동 010-1234-5678'
    const token = cipher.encrypt(plain)
    expect(token).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/)
    expect(token).not.toContain('홍길동')
    expect(cipher.decrypt(token)).toBe(plain)
    expect(cipher.decrypt(cipher.encrypt(''))).toBe('')
  })

  it('round-trips JSON values', () => {
    const value = { recipient: '홍길동', phone: '010-1234-5678', lines: [1, 2] }
    expect(cipher.decryptJson<typeof value>(cipher.encryptJson(value))).toEqual(value)
  })

  it('each encryption of the same text differs (fresh nonce)', () => {
    const a = cipher.encrypt('홍길동')
    const b = cipher.encrypt('홍길동')
    expect(a).not.toBe(b)
    expect(a.split('.')[2]).not.toBe(b.split('.')[2])
  })

  it('nonces are 12 bytes, never repeat across pool refills, and are not changed by a later refill', () => {
    const first = nextNonce()
    const copy = Buffer.from(first)
    const seen = new Set<string>()
    for (let i = 0; i < 5000; i++) {
      const n = nextNonce()
      expect(n.length).toBe(12)
      seen.add(n.toString('hex'))
    }
    expect(seen.size).toBe(5000)
    expect(seen.has(copy.toString('hex'))).toBe(false)
    expect(first.equals(copy)).toBe(true)
  })

  it('a tampered ciphertext throws', () => {
    const token = cipher.encrypt('홍길동')
    const [v, kid, nonce, body] = token.split('.')
    const bytes = Buffer.from(body, 'base64url')
    bytes[0] ^= 0x01
    expect(() => cipher.decrypt([v, kid, nonce, bytes.toString('base64url')].join('.'))).toThrow(/authentication/)
    const otherNonce = randomBytes(12).toString('base64url')
    expect(() => cipher.decrypt([v, kid, otherNonce, body].join('.'))).toThrow(/authentication/)
    expect(() => cipher.decrypt('v1.k1.garbage')).toThrow()
  })

  it('a ciphertext whose kid is unknown throws', () => {
    const token = cipher.encrypt('홍길동')
    expect(() => cipher.decrypt(token.replace('v1.k1.', 'v1.k9.'))).toThrow(/"k9"/)
  })

  it('a ciphertext moved to another known kid fails (the kid is authenticated)', () => {
    const spec = `a:${key()},b:${key()}`
    const two = createFieldCipher(spec)
    const token = two.encrypt('홍길동')
    expect(() => two.decrypt(token.replace('v1.a.', 'v1.b.'))).toThrow(/authentication/)
  })

  it('after rotation (a new key put first), data written with the old key still decrypts', () => {
    const oldSpec = generateKeyringSpec('old')
    const before = createFieldCipher(parseKeyring(oldSpec))
    const written = before.encrypt('김철수 010-9876-5432')

    const after = createFieldCipher(parseKeyring(`${generateKeyringSpec('new')},${oldSpec}`))
    expect(after.decrypt(written)).toBe('김철수 010-9876-5432')
    const fresh = after.encrypt('김철수')
    expect(fresh.split('.')[1]).toBe('new')
    expect(() => before.decrypt(fresh)).toThrow(/"new"/)
  })
})

describe('masking', () => {
  it('masks Korean names by keeping the first and last syllable', () => {
    expect(maskName('홍길동')).toBe('홍*동')
    expect(maskName('김철')).toBe('김*')
    expect(maskName('남궁민수')).toBe('남**수')
  })

  it('masks Latin names to the first letter of each word', () => {
    expect(maskName('John Smith')).toBe('J*** S****')
    expect(maskName('Alice')).toBe('A****')
  })

  it('masks phone numbers to the first group and the last four digits', () => {
    expect(maskPhone('010-1234-5678')).toBe('010-****-5678')
    expect(maskPhone('01012345678')).toBe('010-****-5678')
    expect(maskPhone('02-123-4567')).toBe('02-****-4567')
    expect(maskPhone('+82 10 1234 5678')).toBe('********5678')
    expect(maskPhone('12345')).toBe('*2345')
  })

  it('masks the local part of an email', () => {
    expect(maskEmail('hong@example.com')).toBe('h***@example.com')
    expect(maskEmail('a@b.kr')).toBe('a***@b.kr')
  })

  it('keeps 시/도 and 시/군/구 of an address and masks the rest', () => {
    expect(maskAddress('서울특별시 강남구 테헤란로 123', '101동 202호')).toBe('서울특별시 강남구 ***')
    expect(maskAddress('경기도 성남시 분당구 판교역로 235')).toBe('경기도 성남시 ***')
    expect(maskAddress('제주특별자치도 제주시', '애월읍 1')).toBe('제주특별자치도 제주시 ***')
    expect(maskAddress('세종특별자치시 한누리대로')).toBe('세종특별자치시 한누리대로')
  })
})
