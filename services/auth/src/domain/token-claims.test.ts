import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { normalizeEmail } from './email.ts'
import { canonicalRoles, removesLastAdmin } from './roles.ts'
import { accessClaims, REFRESH_TOKEN_TTL_MS, refreshExpiry, sessionIdOf } from './token-claims.ts'

describe('access token claims', () => {
  const base = {
    userId: randomUUID(),
    roles: ['customer' as const],
    jti: randomUUID(),
    sessionId: randomUUID(),
    issuer: 'shop-auth',
    audience: 'shop',
  }

  it('carries sub, roles, jti, sid, iss, aud and expires 15 minutes after issue', () => {
    const c = accessClaims({ ...base, nowMs: 1_700_000_000_500 })
    expect(c).toEqual({
      sub: base.userId,
      roles: ['customer'],
      jti: base.jti,
      sid: base.sessionId,
      iss: 'shop-auth',
      aud: 'shop',
      iat: 1_700_000_000,
      exp: 1_700_000_900,
    })
  })

  it('copies the roles so later changes to the input do not leak into a token', () => {
    const roles: ('customer' | 'admin')[] = ['customer']
    const c = accessClaims({ ...base, roles, nowMs: Date.now() })
    roles.push('admin')
    expect(c.roles).toEqual(['customer'])
  })

  it('reads the session id back only when it is a uuid', () => {
    expect(sessionIdOf({ sid: base.sessionId })).toBe(base.sessionId)
    expect(sessionIdOf({ sid: 'x' })).toBeNull()
    expect(sessionIdOf({})).toBeNull()
  })

  it('refresh tokens live 30 days', () => {
    expect(refreshExpiry(0).getTime()).toBe(REFRESH_TOKEN_TTL_MS)
    expect(REFRESH_TOKEN_TTL_MS).toBe(2_592_000_000)
  })
})

describe('emails and roles', () => {
  it('normalises an email by trimming and lower-casing', () => {
    expect(normalizeEmail('  Kim.MinSu@Example.COM \n')).toBe('kim.minsu@example.com')
  })

  it('puts roles in a stable order without duplicates or unknown names', () => {
    expect(canonicalRoles(['admin', 'customer', 'admin', 'root'])).toEqual(['customer', 'admin'])
  })

  it('refuses to demote the last admin but allows it when another admin remains', () => {
    expect(removesLastAdmin(['customer', 'admin'], ['customer'], 1)).toBe(true)
    expect(removesLastAdmin(['customer', 'admin'], ['customer'], 2)).toBe(false)
    expect(removesLastAdmin(['customer'], ['customer'], 0)).toBe(false)
    expect(removesLastAdmin(['admin'], ['admin'], 1)).toBe(false)
  })
})
