import { readFileSync } from 'node:fs'
import { parseCommonPasswords } from '../domain/password-policy.ts'

let cached: ReadonlySet<string> | undefined

/** The shipped common-password list (common-passwords.txt beside this file), read once. */
export function commonPasswords(): ReadonlySet<string> {
  cached ??= parseCommonPasswords(readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8'))
  return cached
}
