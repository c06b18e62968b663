-- Accounts. The email stays in clear because it is the login key (normalised: trimmed,
-- lower-cased); name, phone and addresses are AES-256-GCM ciphertexts written by the
-- service (v1.<kid>.<nonce>.<data>), so a dump of this table shows no personal data.
CREATE TABLE users (
  id             uuid        PRIMARY KEY,
  email          text        NOT NULL UNIQUE CHECK (email = lower(btrim(email))),
  password_hash  text        NOT NULL,
  roles          text[]      NOT NULL DEFAULT ARRAY['customer']
                             CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['customer', 'admin']),
  name_enc       text        NOT NULL,
  phone_enc      text,
  addresses_enc  text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Finding the admins is how the last one is kept from being demoted.
CREATE INDEX users_admins_idx ON users (id) WHERE 'admin' = ANY (roles);

-- A session: one family of refresh tokens, each replacing the one before it. The latest
-- access token's jti is kept so revoking the family can also deny that token at once.
CREATE TABLE refresh_families (
  id              uuid        PRIMARY KEY,
  user_id         uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at      timestamptz NOT NULL DEFAULT now(),
  revoked_at      timestamptz,
  revoked_reason  text,
  access_jti      uuid,
  access_exp      timestamptz
);

CREATE INDEX refresh_families_user_idx ON refresh_families (user_id) WHERE revoked_at IS NULL;

-- Only the SHA-256 of a refresh token is stored. A used token stays (used_at set) until it
-- expires, so presenting it again is recognised as reuse and kills its family.
CREATE TABLE refresh_tokens (
  token_hash  bytea       PRIMARY KEY CHECK (octet_length(token_hash) = 32),
  family_id   uuid        NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
  user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);

CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_expires_idx ON refresh_tokens (expires_at);
