-- One row per PII key id that has encrypted data in this database: a known text
-- encrypted with that key, written when the key is first used here. At boot the service
-- opens every row with its PII_ENCRYPTION_KEYS and refuses to start when one does not
-- open, before it reads or writes any personal data (platform key-check.ts).
CREATE TABLE pii_key_checks (
  kid         text        PRIMARY KEY,
  check_value text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
