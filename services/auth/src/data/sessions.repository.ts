import type { Queryable } from '@shop/platform/db'

/** Refresh-token families (sessions) and their tokens, stored by SHA-256 hash only. */

export interface ClaimedToken {
  familyId: string
  userId: string
  expiresAt: Date
}

export interface FamilyAccessToken {
  jti: string
  /** Expiry of that access token. */
  exp: Date
}

export async function createFamily(q: Queryable, f: { id: string; userId: string }): Promise<void> {
  await q.query('INSERT INTO refresh_families (id, user_id) VALUES ($1, $2)', [f.id, f.userId])
}

export async function insertRefreshToken(
  q: Queryable,
  t: { hash: Buffer; familyId: string; userId: string; expiresAt: Date },
): Promise<void> {
  await q.query(
    'INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at) VALUES ($1, $2, $3, $4)',
    [t.hash, t.familyId, t.userId, t.expiresAt],
  )
}

/** Remembers the family's newest access token, so revoking the family can deny it too. */
export async function recordAccessToken(q: Queryable, familyId: string, jti: string, exp: Date): Promise<void> {
  await q.query('UPDATE refresh_families SET access_jti = $2, access_exp = $3 WHERE id = $1', [familyId, jti, exp])
}

/**
 * Marks an unused token used and returns it. Of two concurrent claims of one token the
 * second waits on the row lock, then finds used_at set and gets null: it is a reuse.
 */
export async function claimRefreshToken(q: Queryable, hash: Buffer): Promise<ClaimedToken | null> {
  const { rows } = await q.query<{ family_id: string; user_id: string; expires_at: Date }>(
    `UPDATE refresh_tokens SET used_at = now()
     WHERE token_hash = $1 AND used_at IS NULL
     RETURNING family_id, user_id, expires_at`,
    [hash],
  )
  const r = rows[0]
  return r ? { familyId: r.family_id, userId: r.user_id, expiresAt: r.expires_at } : null
}

/** Locks the family row (serialising rotation against logout and revocation); null when it is gone. */
export async function lockFamily(q: Queryable, id: string): Promise<{ revoked: boolean } | null> {
  const { rows } = await q.query<{ revoked: boolean }>(
    'SELECT revoked_at IS NOT NULL AS revoked FROM refresh_families WHERE id = $1 FOR UPDATE',
    [id],
  )
  return rows[0] ?? null
}

export async function findRefreshToken(q: Queryable, hash: Buffer): Promise<{ familyId: string; userId: string } | null> {
  const { rows } = await q.query<{ family_id: string; user_id: string }>(
    'SELECT family_id, user_id FROM refresh_tokens WHERE token_hash = $1',
    [hash],
  )
  return rows[0] ? { familyId: rows[0].family_id, userId: rows[0].user_id } : null
}

/**
 * Revokes a family that is still live (of that user, when given) and returns its newest
 * access token still unexpired, if any; null when there was nothing to revoke.
 */
export async function revokeFamily(
  q: Queryable,
  id: string,
  reason: 'logout' | 'reuse',
  userId?: string,
): Promise<{ access: FamilyAccessToken | null } | null> {
  const { rows } = await q.query<{ access_jti: string | null; access_exp: Date | null }>(
    `UPDATE refresh_families SET revoked_at = now(), revoked_reason = $2
     WHERE id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR user_id = $3)
     RETURNING access_jti, access_exp`,
    [id, reason, userId ?? null],
  )
  if (!rows[0]) return null
  const { access_jti: jti, access_exp: exp } = rows[0]
  return { access: jti && exp && exp.getTime() > Date.now() ? { jti, exp } : null }
}

/**
 * Revokes every live session of the user but `keep` (the caller's own, when known) and
 * returns each one's newest access token still unexpired, to be denied.
 */
export async function revokeOtherFamilies(q: Queryable, userId: string, keep: string | null): Promise<FamilyAccessToken[]> {
  const { rows } = await q.query<{ access_jti: string | null; access_exp: Date | null }>(
    `UPDATE refresh_families SET revoked_at = now(), revoked_reason = 'password_changed'
     WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2)
     RETURNING access_jti, access_exp`,
    [userId, keep],
  )
  return rows.flatMap((r) => (r.access_jti && r.access_exp && r.access_exp.getTime() > Date.now() ? [{ jti: r.access_jti, exp: r.access_exp }] : []))
}

/** The newest unexpired access token of each live session of a user. */
export async function liveAccessTokens(q: Queryable, userId: string): Promise<FamilyAccessToken[]> {
  const { rows } = await q.query<{ access_jti: string; access_exp: Date }>(
    `SELECT access_jti, access_exp FROM refresh_families
     WHERE user_id = $1 AND revoked_at IS NULL AND access_jti IS NOT NULL AND access_exp > now()`,
    [userId],
  )
  return rows.map((r) => ({ jti: r.access_jti, exp: r.access_exp }))
}

/** Deletes expired refresh tokens and the families left with no token and no live access token. */
export async function purgeExpired(q: Queryable): Promise<{ tokens: number; families: number }> {
  const tokens = await q.query('DELETE FROM refresh_tokens WHERE expires_at < now()')
  const families = await q.query(
    `DELETE FROM refresh_families f
     WHERE (f.access_exp IS NULL OR f.access_exp < now())
       AND NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = f.id)`,
  )
  return { tokens: tokens.rowCount ?? 0, families: families.rowCount ?? 0 }
}
