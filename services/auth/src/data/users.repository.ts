import type { Role } from '@shop/contracts/auth'
import type { Queryable } from '@shop/platform/db'

/** A stored account; PII fields are ciphertexts (the use cases decrypt them). */
export interface UserRecord {
  id: string
  email: string
  passwordHash: string
  roles: Role[]
  nameEnc: string
  phoneEnc: string | null
  addressesEnc: string | null
  createdAt: Date
}

interface UserRow {
  id: string
  email: string
  password_hash: string
  roles: Role[]
  name_enc: string
  phone_enc: string | null
  addresses_enc: string | null
  created_at: Date
}

const COLUMNS = 'id, email, password_hash, roles, name_enc, phone_enc, addresses_enc, created_at'

const toRecord = (r: UserRow): UserRecord => ({
  id: r.id,
  email: r.email,
  passwordHash: r.password_hash,
  roles: r.roles,
  nameEnc: r.name_enc,
  phoneEnc: r.phone_enc,
  addressesEnc: r.addresses_enc,
  createdAt: r.created_at,
})

/** Inserts an account unless the email is taken; returns whether it was inserted (race-safe on the unique email). */
export async function insertUser(
  q: Queryable,
  u: { id: string; email: string; passwordHash: string; roles: readonly Role[]; nameEnc: string; phoneEnc: string | null },
): Promise<boolean> {
  const { rowCount } = await q.query(
    `INSERT INTO users (id, email, password_hash, roles, name_enc, phone_enc)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (email) DO NOTHING`,
    [u.id, u.email, u.passwordHash, u.roles, u.nameEnc, u.phoneEnc],
  )
  return rowCount === 1
}

export async function findUserByEmail(q: Queryable, email: string): Promise<UserRecord | null> {
  const { rows } = await q.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE email = $1`, [email])
  return rows[0] ? toRecord(rows[0]) : null
}

export async function findUserById(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<UserRecord | null> {
  const { rows } = await q.query<UserRow>(
    `SELECT ${COLUMNS} FROM users WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  )
  return rows[0] ? toRecord(rows[0]) : null
}

/** Writes the given encrypted profile fields (undefined leaves a field as it is); null when the user is gone. */
export async function updateProfileFields(
  q: Queryable,
  id: string,
  fields: { nameEnc?: string; phoneEnc?: string | null; addressesEnc?: string },
): Promise<UserRecord | null> {
  const { rows } = await q.query<UserRow>(
    `UPDATE users SET
       name_enc = CASE WHEN $2 THEN $3 ELSE name_enc END,
       phone_enc = CASE WHEN $4 THEN $5 ELSE phone_enc END,
       addresses_enc = CASE WHEN $6 THEN $7 ELSE addresses_enc END,
       updated_at = now()
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [
      id,
      fields.nameEnc !== undefined,
      fields.nameEnc ?? null,
      fields.phoneEnc !== undefined,
      fields.phoneEnc ?? null,
      fields.addressesEnc !== undefined,
      fields.addressesEnc ?? null,
    ],
  )
  return rows[0] ? toRecord(rows[0]) : null
}

export async function updatePasswordHash(q: Queryable, id: string, passwordHash: string): Promise<void> {
  await q.query('UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1', [id, passwordHash])
}

export async function updateRoles(q: Queryable, id: string, roles: readonly Role[]): Promise<void> {
  await q.query('UPDATE users SET roles = $2, updated_at = now() WHERE id = $1', [id, roles])
}

/** Locks every admin row (in id order, so concurrent role changes cannot deadlock) and returns their ids. */
export async function lockAdmins(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM users WHERE 'admin' = ANY (roles) ORDER BY id FOR UPDATE`,
  )
  return rows.map((r) => r.id)
}

/** Where a page of users ends: created_at as microsecond text (JS dates hold only milliseconds) and the id. */
export interface UserCursor {
  createdAt: string
  id: string
}

export interface UserFilter {
  /** Part of the email, lower-case. */
  emailPart?: string
  role?: Role
  after?: UserCursor
  limit: number
}

/** A page of accounts, newest first, after the cursor; one more row than asked tells if there is a next page. */
export async function listUsers(q: Queryable, f: UserFilter): Promise<{ users: (UserRecord & { cursor: string })[]; more: boolean }> {
  const where: string[] = []
  const params: unknown[] = []
  if (f.emailPart) {
    // LIKE's own wildcards in the text are taken literally; users_email_trgm_idx serves the match.
    params.push(`%${f.emailPart.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
    where.push(`email LIKE $${params.length}`)
  }
  if (f.role) {
    params.push(f.role)
    where.push(`$${params.length} = ANY (roles)`)
  }
  if (f.after) {
    params.push(f.after.createdAt, f.after.id)
    where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`)
  }
  params.push(f.limit + 1)
  const { rows } = await q.query<UserRow & { cursor_at: string }>(
    `SELECT ${COLUMNS}, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
       FROM users ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
    params,
  )
  return { users: rows.slice(0, f.limit).map((r) => ({ ...toRecord(r), cursor: r.cursor_at })), more: rows.length > f.limit }
}
