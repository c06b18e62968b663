import type { Address, ProfileView, UserView } from '@shop/contracts/auth'
import type { FieldCipher } from '@shop/platform/crypto'
import type { UserRecord } from '../data/users.repository.ts'
import { canonicalRoles } from '../domain/roles.ts'

/** `user` as answered by register and login, name decrypted. */
export function toUserView(cipher: FieldCipher, u: UserRecord): UserView {
  return { id: u.id, email: u.email, name: cipher.decrypt(u.nameEnc), roles: canonicalRoles(u.roles) }
}

/** The profile as its owner sees it: every field in clear. */
export function toProfileView(cipher: FieldCipher, u: UserRecord): ProfileView {
  return {
    id: u.id,
    email: u.email,
    name: cipher.decrypt(u.nameEnc),
    phone: u.phoneEnc === null ? null : cipher.decrypt(u.phoneEnc),
    roles: canonicalRoles(u.roles),
    addresses: u.addressesEnc === null ? [] : cipher.decryptJson<Address[]>(u.addressesEnc),
    createdAt: u.createdAt.toISOString(),
  }
}
