-- The admin console's customer search (GET /auth/users): part of an email, newest first.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX users_email_trgm_idx ON users USING gin (email gin_trgm_ops);
CREATE INDEX users_created_idx ON users (created_at DESC, id DESC);
