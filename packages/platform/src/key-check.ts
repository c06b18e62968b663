import { ConfigError } from './config.ts'
import { createFieldCipher, type Keyring } from './crypto.ts'
import type { Pool } from './db.ts'

const CHECK_TEXT = 'shop PII key check v1'

/**
 * Refuses PII keys that do not open what this database holds, before anything is read
 * or written with them: every key id that has encrypted data here left a check value
 * (pii_key_checks), which the keyring must decrypt. Without this a restart with other
 * keys started fine, answered 500 for every stored record, and wrote new records under
 * the new key, splitting the data between two keys. Then records the active key for
 * the data this process is about to write. Throws ConfigError naming PII_ENCRYPTION_KEYS.
 */
export async function checkPiiKeys(pool: Pool, keyring: Keyring): Promise<void> {
  const cipher = createFieldCipher(keyring)
  const verify = (rows: { kid: string; check_value: string }[]) => {
    const problems: string[] = []
    for (const { kid, check_value: value } of rows) {
      if (!keyring.keys.has(kid)) {
        problems.push(`has no key "${kid}", which encrypted data in this database (after a rotation keep the old key listed after the new one)`)
        continue
      }
      let opened: string | undefined
      try {
        opened = cipher.decrypt(value)
      } catch {
        opened = undefined
      }
      if (opened !== CHECK_TEXT) problems.push(`key "${kid}" is not the key "${kid}" that encrypted data in this database`)
    }
    if (problems.length > 0) throw new ConfigError(problems.map((message) => ({ variable: 'PII_ENCRYPTION_KEYS', message })))
  }
  const read = async () => (await pool.query<{ kid: string; check_value: string }>('SELECT kid, check_value FROM pii_key_checks ORDER BY kid')).rows
  const stored = await read()
  verify(stored)
  if (stored.some((r) => r.kid === keyring.activeKid)) return
  await pool.query('INSERT INTO pii_key_checks (kid, check_value) VALUES ($1, $2) ON CONFLICT (kid) DO NOTHING', [
    keyring.activeKid,
    cipher.encrypt(CHECK_TEXT),
  ])
  // A replica starting at the same moment may have written the row first, with its own keys.
  verify(await read())
}
