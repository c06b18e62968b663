import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkPassword, parseCommonPasswords, passwordPolicy } from './password-policy.ts'

const list = parseCommonPasswords(readFileSync(new URL('../security/common-passwords.txt', import.meta.url), 'utf8'))
const policy = passwordPolicy(list)

describe('password policy', () => {
  it('ships a list of a few hundred common passwords, comments left out', () => {
    expect(list.size).toBeGreaterThan(300)
    expect(list.has('password123')).toBe(true)
    expect([...list].some((p) => p.startsWith('#'))).toBe(false)
  })

  it('when the password is shorter than 10 characters, it is refused with the minimum named', () => {
    expect(checkPassword('abc!12345', policy)).toEqual([{ path: '/password', message: 'must be at least 10 characters' }])
  })

  it('counts code points, so a 10-character Korean passphrase is long enough', () => {
    expect(checkPassword('우리집강아지는복슬강아', policy)).toEqual([])
    // 5 emoji are 10 UTF-16 units but only 5 characters.
    expect(checkPassword('🐶🐱🐭🐹🐰', policy)).toHaveLength(1)
  })

  it('when the password is on the common list in any letter case, it is refused as too common', () => {
    for (const pw of ['qwertyuiop', 'QwertyUIOP', 'Password123', '1q2w3e4r5t']) {
      const errors = checkPassword(pw, policy)
      expect(errors).toHaveLength(1)
      expect(errors[0].message).toMatch(/too common/)
    }
  })

  it('when the password is the email address, it is refused', () => {
    expect(checkPassword('Kim.Minsu@Example.com', policy, { email: 'kim.minsu@example.com' })[0].message).toMatch(/email/)
  })

  it('accepts a long uncommon password and reports errors at the path asked for', () => {
    expect(checkPassword('correct horse battery staple', policy)).toEqual([])
    expect(checkPassword('short', policy, {}, 'BOOTSTRAP_ADMIN_PASSWORD')[0].path).toBe('BOOTSTRAP_ADMIN_PASSWORD')
  })

  it('refuses a password longer than the maximum', () => {
    expect(checkPassword('x'.repeat(1025), policy)[0].message).toMatch(/at most 1024/)
  })
})
