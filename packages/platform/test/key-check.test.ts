import { ConfigError } from '@shop/platform/config'
import { generateKeyringSpec, parseKeyring } from '@shop/platform/crypto'
import { checkPiiKeys } from '@shop/platform/key-check'
import { createTestDatabase, type TestDatabase } from '@shop/platform/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

// The boot-time check of PII keys against what a database holds, on a real PostgreSQL.
let db: TestDatabase
beforeEach(async () => {
  db = await createTestDatabase({ prefix: 'keycheck' })
})
afterEach(async () => {
  await db.drop()
})

const stored = async () => (await db.pool.query<{ kid: string }>('SELECT kid FROM pii_key_checks ORDER BY kid')).rows.map((r) => r.kid)
const refusal = async (spec: string) => {
  const err = await checkPiiKeys(db.pool, parseKeyring(spec)).then(() => undefined, (e: unknown) => e)
  expect(err).toBeInstanceOf(ConfigError)
  return (err as ConfigError).message
}

describe('checkPiiKeys', () => {
  it('on a database without encrypted data, records the active key and starts', async () => {
    await checkPiiKeys(db.pool, parseKeyring(generateKeyringSpec('k1')))
    expect(await stored()).toEqual(['k1'])
  })

  it('when the key id that encrypted the data is missing, refuses naming PII_ENCRYPTION_KEYS and that id, and writes nothing', async () => {
    await checkPiiKeys(db.pool, parseKeyring(generateKeyringSpec('k1')))
    const message = await refusal(generateKeyringSpec('k2'))
    expect(message).toMatch(/PII_ENCRYPTION_KEYS: has no key "k1"/)
    expect(await stored()).toEqual(['k1'])
  })

  it('when the same key id holds another key, refuses naming the id, and writes nothing', async () => {
    await checkPiiKeys(db.pool, parseKeyring(generateKeyringSpec('k1')))
    expect(await refusal(generateKeyringSpec('k1'))).toMatch(/PII_ENCRYPTION_KEYS: key "k1" is not the key "k1" that encrypted data/)
    expect(await stored()).toEqual(['k1'])
  })

  it('after a rotation (a new first key, the old one kept) starts, records the new key, and checks both from then on', async () => {
    const old = generateKeyringSpec('k1')
    await checkPiiKeys(db.pool, parseKeyring(old))
    const rotated = `${generateKeyringSpec('k2')},${old}`
    await checkPiiKeys(db.pool, parseKeyring(rotated))
    expect(await stored()).toEqual(['k1', 'k2'])
    await checkPiiKeys(db.pool, parseKeyring(rotated))
    // Dropping the old key while its data remains is refused.
    expect(await refusal(rotated.split(',')[0])).toMatch(/has no key "k1"/)
  })

  it('two replicas starting at once with different keys under one id: the second is refused', async () => {
    const results = await Promise.allSettled([
      checkPiiKeys(db.pool, parseKeyring(generateKeyringSpec('k1'))),
      checkPiiKeys(db.pool, parseKeyring(generateKeyringSpec('k1'))),
    ])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
  })
})
