import type { ProfileView, UpdateProfileBody } from '@shop/contracts/auth'
import { NotFound } from '@shop/platform/errors'
import type { AuthContext } from '../auth-context.ts'
import { updateProfileFields } from '../data/users.repository.ts'
import { toProfileView } from './views.ts'

/** Replaces the fields sent (addresses as a whole list; phone null clears it), encrypting each. */
export async function updateProfile(ctx: AuthContext, userId: string, input: UpdateProfileBody): Promise<ProfileView> {
  const { cipher } = ctx
  const user = await updateProfileFields(ctx.pool, userId, {
    nameEnc: input.name === undefined ? undefined : cipher.encrypt(input.name.trim()),
    phoneEnc: input.phone === undefined ? undefined : input.phone === null ? null : cipher.encrypt(input.phone),
    addressesEnc: input.addresses === undefined ? undefined : cipher.encryptJson(input.addresses),
  })
  if (!user) throw new NotFound('No such user')
  return toProfileView(cipher, user)
}
