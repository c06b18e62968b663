import type { Role } from '@shop/contracts/auth'

/** Roles a new account gets. */
export const DEFAULT_ROLES: readonly Role[] = ['customer']
/** Roles of the bootstrapped administrator: an admin may also shop. */
export const BOOTSTRAP_ROLES: readonly Role[] = ['customer', 'admin']

const ORDER: readonly Role[] = ['customer', 'admin']

/** The roles in a stable order without duplicates, so stored and answered lists compare equal. */
export function canonicalRoles(roles: readonly string[]): Role[] {
  return ORDER.filter((r) => roles.includes(r))
}

/**
 * Whether giving `next` to a user who now holds `current` would leave the shop with no
 * administrator at all (nobody could then grant the role again).
 */
export function removesLastAdmin(current: readonly Role[], next: readonly Role[], adminCount: number): boolean {
  return current.includes('admin') && !next.includes('admin') && adminCount <= 1
}
