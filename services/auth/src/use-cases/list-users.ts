import type { UserList, UserListQuery } from '@shop/contracts/auth'
import { maskName } from '@shop/platform/crypto'
import { InvalidCursor, packCursor, unpackCursor } from '@shop/platform/cursor'
import { ValidationFailed } from '@shop/platform/errors'
import type { AuthContext } from '../auth-context.ts'
import { listUsers as selectUsers, type UserCursor } from '../data/users.repository.ts'
import { canonicalRoles } from '../domain/roles.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

function decode(cursor: string): UserCursor {
  try {
    const v = unpackCursor(cursor) as { c?: unknown; i?: unknown }
    if (typeof v?.c === 'string' && !Number.isNaN(Date.parse(v.c)) && typeof v.i === 'string' && UUID.test(v.i)) return { createdAt: v.c, id: v.i }
  } catch (err) {
    if (!(err instanceof InvalidCursor)) throw err
  }
  throw new ValidationFailed([{ path: 'cursor', message: 'is not a cursor from this list' }])
}

/**
 * GET /auth/users (admin): accounts newest first, narrowed by part of the email and by
 * role; names masked (the console shows who, not their personal data).
 */
export async function listUsers(ctx: AuthContext, query: UserListQuery): Promise<UserList> {
  const { users, more } = await selectUsers(ctx.pool, {
    emailPart: query.q?.trim().toLowerCase() || undefined,
    role: query.role,
    after: query.cursor ? decode(query.cursor) : undefined,
    limit: query.limit,
  })
  const last = users[users.length - 1]
  return {
    items: users.map((u) => ({
      id: u.id,
      email: u.email,
      name: maskName(ctx.cipher.decrypt(u.nameEnc)),
      roles: canonicalRoles(u.roles),
      createdAt: u.createdAt.toISOString(),
    })),
    nextCursor: more && last ? packCursor({ c: last.cursor, i: last.id }) : null,
  }
}
