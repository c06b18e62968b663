import { type Static, Type } from '@sinclair/typebox'

/** HTTP shapes of the auth service (API.md "Auth"): request bodies and answers. */

export const PASSWORD_MIN_LENGTH = 10
export const PASSWORD_MAX_LENGTH = 1024
/** Access-token lifetime in seconds, as answered in `expiresIn`. */
export const ACCESS_TOKEN_TTL_SECONDS = 900
/** Refresh-token lifetime in seconds (30 days): how long a session lasts unused, and the web's session cookie. */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60

export const Role = Type.Union([Type.Literal('customer'), Type.Literal('admin')])
export type Role = Static<typeof Role>

// Surrounding blanks are allowed here because the service trims and lower-cases the address itself.
export const Email = Type.String({ minLength: 3, maxLength: 254, pattern: '^\\s*[^\\s@]+@[^\\s@]+\\.[^\\s@]+\\s*$' })
const PersonName = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' })
const Phone = Type.String({ minLength: 7, maxLength: 20, pattern: '^\\+?[0-9][0-9 ()-]{5,18}[0-9]$' })
const Uuid = Type.String({ format: 'uuid' })
const OpaqueToken = Type.String({ minLength: 1, maxLength: 512 })

export const RegisterBody = Type.Object(
  {
    email: Email,
    password: Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH }),
    name: PersonName,
    phone: Type.Optional(Phone),
  },
  { additionalProperties: false },
)
export type RegisterBody = Static<typeof RegisterBody>

export const LoginBody = Type.Object(
  { email: Email, password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }) },
  { additionalProperties: false },
)
export type LoginBody = Static<typeof LoginBody>

export const RefreshBody = Type.Object({ refreshToken: OpaqueToken }, { additionalProperties: false })
export type RefreshBody = Static<typeof RefreshBody>

export const LogoutBody = Type.Object({ refreshToken: Type.Optional(OpaqueToken) }, { additionalProperties: false })
export type LogoutBody = Static<typeof LogoutBody>

export const UserView = Type.Object({ id: Uuid, email: Type.String(), name: Type.String(), roles: Type.Array(Role) })
export type UserView = Static<typeof UserView>

export const TokenPair = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  expiresIn: Type.Integer({ description: 'Access-token lifetime in seconds' }),
})
export type TokenPair = Static<typeof TokenPair>

export const SessionView = Type.Object({
  user: UserView,
  accessToken: Type.String(),
  refreshToken: Type.String(),
  expiresIn: Type.Integer(),
})
export type SessionView = Static<typeof SessionView>

export const Address = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 50 }),
    recipient: PersonName,
    phone: Phone,
    postalCode: Type.String({ pattern: '^[0-9]{5}$' }),
    address1: Type.String({ minLength: 1, maxLength: 200 }),
    address2: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
)
export type Address = Static<typeof Address>

export const ProfileView = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
  roles: Type.Array(Role),
  addresses: Type.Array(Address),
  createdAt: Type.String({ format: 'date-time' }),
})
export type ProfileView = Static<typeof ProfileView>

export const UpdateProfileBody = Type.Object(
  {
    name: Type.Optional(PersonName),
    // null clears the phone number.
    phone: Type.Optional(Type.Union([Phone, Type.Null()])),
    addresses: Type.Optional(Type.Array(Address, { maxItems: 20 })),
  },
  { additionalProperties: false },
)
export type UpdateProfileBody = Static<typeof UpdateProfileBody>

export const UserIdParams = Type.Object({ id: Uuid })
export type UserIdParams = Static<typeof UserIdParams>

export const SetRolesBody = Type.Object(
  { roles: Type.Array(Role, { minItems: 1, maxItems: 2, uniqueItems: true }) },
  { additionalProperties: false },
)
export type SetRolesBody = Static<typeof SetRolesBody>

export const RolesView = Type.Object({ id: Uuid, roles: Type.Array(Role) })
export type RolesView = Static<typeof RolesView>

/** `PUT /auth/password`: the new password follows the rules of registration. */
export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
    newPassword: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
  },
  { additionalProperties: false },
)
export type ChangePasswordBody = Static<typeof ChangePasswordBody>

/** `GET /auth/users` (admin): newest first; `q` is part of an email, `role` one role the user holds. */
export const UserListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 254, description: 'part of an email' })),
    role: Type.Optional(Role),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
)
export type UserListQuery = Static<typeof UserListQuery>

/** A user as the admin console lists them: the name masked (홍*동). */
export const UserSummary = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.String({ description: 'masked' }),
  roles: Type.Array(Role),
  createdAt: Type.String({ format: 'date-time' }),
})
export type UserSummary = Static<typeof UserSummary>

export const UserList = Type.Object({ items: Type.Array(UserSummary), nextCursor: Type.Union([Type.String(), Type.Null()]) })
export type UserList = Static<typeof UserList>

// Public JWK members for OKP (Ed25519), RSA and EC keys; a response schema drops any member it does not name.
export const PublicJwk = Type.Object(
  {
    kty: Type.String(),
    kid: Type.String(),
    alg: Type.Optional(Type.String()),
    use: Type.Optional(Type.String()),
    crv: Type.Optional(Type.String()),
    x: Type.Optional(Type.String()),
    y: Type.Optional(Type.String()),
    n: Type.Optional(Type.String()),
    e: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)
export type PublicJwk = Static<typeof PublicJwk>

export const JwksView = Type.Object({ keys: Type.Array(PublicJwk) })
export type JwksView = Static<typeof JwksView>
