import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@shop/contracts/auth'
import type { FieldError } from '@shop/platform/errors'

/**
 * The password rules (NIST SP 800-63B style): long enough and not on a list of passwords
 * attackers try first. No composition rules; those push people to predictable patterns.
 */

export interface PasswordPolicy {
  minLength: number
  maxLength: number
  /** Lower-cased common passwords. */
  common: ReadonlySet<string>
}

/** The policy with the contract's length bounds and the given common-password list. */
export function passwordPolicy(common: ReadonlySet<string>): PasswordPolicy {
  return { minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH, common }
}

/** Why a password is refused, as field errors at `path`; empty when it is acceptable. */
export function checkPassword(
  password: string,
  policy: PasswordPolicy,
  context: { email?: string } = {},
  path = '/password',
): FieldError[] {
  // Length in code points, so a Korean or emoji password is measured as typed.
  const length = Array.from(password).length
  if (length < policy.minLength) return [{ path, message: `must be at least ${policy.minLength} characters` }]
  if (length > policy.maxLength) return [{ path, message: `must be at most ${policy.maxLength} characters` }]
  const lowered = password.toLowerCase()
  if (policy.common.has(lowered) || policy.common.has(lowered.trim())) {
    return [{ path, message: 'is too common; choose a password that is not on lists of leaked passwords' }]
  }
  if (context.email && lowered === context.email.toLowerCase()) {
    return [{ path, message: 'must not be the email address' }]
  }
  return []
}

/** Parses the common-password file: one per line, '#' comments and blank lines ignored, lower-cased. */
export function parseCommonPasswords(text: string): Set<string> {
  const out = new Set<string>()
  for (const line of text.split(/\r?\n/)) {
    const entry = line.trim()
    if (entry && !entry.startsWith('#')) out.add(entry.toLowerCase())
  }
  return out
}
