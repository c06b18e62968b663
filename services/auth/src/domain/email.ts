/** The login key form of an email address: NFC, trimmed, lower-cased, so one inbox is one account. */
export function normalizeEmail(raw: string): string {
  return raw.normalize('NFC').trim().toLowerCase()
}
