import { randomUUID } from 'node:crypto'
import { withTransaction } from '@shop/platform/db'
import { createEvent } from '@shop/platform/events'
import { enqueueEvent } from '@shop/platform/outbox'
import type { AuthContext } from '../auth-context.ts'
import { findUserByEmail, insertUser } from '../data/users.repository.ts'
import { BOOTSTRAP_ROLES } from '../domain/roles.ts'

export const BOOTSTRAP_ADMIN_NAME = 'Administrator'

/**
 * Creates the first administrator unless an account with that email exists. Safe across
 * restarts and replicas starting together: the unique email lets exactly one insert win,
 * and an existing account is never changed (a demoted admin stays demoted).
 */
export async function bootstrapAdmin(
  ctx: AuthContext,
  admin: { email: string; password: string },
): Promise<'created' | 'exists'> {
  if (await findUserByEmail(ctx.pool, admin.email)) return 'exists'
  const passwordHash = await ctx.hasher.hash(admin.password)
  const id = randomUUID()
  const created = await withTransaction(ctx.pool, async (client) => {
    const inserted = await insertUser(client, {
      id,
      email: admin.email,
      passwordHash,
      roles: BOOTSTRAP_ROLES,
      nameEnc: ctx.cipher.encrypt(BOOTSTRAP_ADMIN_NAME),
      phoneEnc: null,
    })
    if (inserted) await enqueueEvent(client, createEvent('auth', 'user.registered', { userId: id, email: admin.email }))
    return inserted
  })
  if (!created) return 'exists'
  ctx.poke()
  ctx.logger.info({ userId: id }, 'bootstrap administrator created')
  return 'created'
}
