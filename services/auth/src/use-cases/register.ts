import { randomUUID } from 'node:crypto'
import type { RegisterBody, SessionView } from '@shop/contracts/auth'
import { withTransaction } from '@shop/platform/db'
import { ValidationFailed } from '@shop/platform/errors'
import { createEvent } from '@shop/platform/events'
import { enqueueEvent } from '@shop/platform/outbox'
import type { AuthContext } from '../auth-context.ts'
import { EmailTaken } from '../auth.errors.ts'
import { insertUser } from '../data/users.repository.ts'
import { normalizeEmail } from '../domain/email.ts'
import { checkPassword } from '../domain/password-policy.ts'
import { DEFAULT_ROLES } from '../domain/roles.ts'
import { startSession } from './issue-session.ts'

/** Creates a customer account, announces `user.registered` in the same transaction, and signs it in. */
export async function register(ctx: AuthContext, input: RegisterBody): Promise<SessionView> {
  const email = normalizeEmail(input.email)
  const problems = checkPassword(input.password, ctx.policy, { email })
  if (problems.length > 0) throw new ValidationFailed(problems, 'The password does not meet the policy')
  const name = input.name.trim()
  const passwordHash = await ctx.hasher.hash(input.password)
  const id = randomUUID()
  const roles = [...DEFAULT_ROLES]

  const tokens = await withTransaction(ctx.pool, async (client) => {
    const inserted = await insertUser(client, {
      id,
      email,
      passwordHash,
      roles,
      nameEnc: ctx.cipher.encrypt(name),
      phoneEnc: input.phone === undefined ? null : ctx.cipher.encrypt(input.phone),
    })
    if (!inserted) return null
    await enqueueEvent(client, createEvent('auth', 'user.registered', { userId: id, email }))
    return startSession(ctx, client, { id, roles })
  })
  if (!tokens) throw new EmailTaken()
  ctx.poke()
  return { user: { id, email, name, roles }, ...tokens }
}
