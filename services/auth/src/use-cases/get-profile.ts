import type { ProfileView } from '@shop/contracts/auth'
import { NotFound } from '@shop/platform/errors'
import type { AuthContext } from '../auth-context.ts'
import { findUserById } from '../data/users.repository.ts'
import { toProfileView } from './views.ts'

/** The caller's own profile, decrypted. */
export async function getProfile(ctx: AuthContext, userId: string): Promise<ProfileView> {
  const user = await findUserById(ctx.pool, userId)
  if (!user) throw new NotFound('No such user')
  return toProfileView(ctx.cipher, user)
}
