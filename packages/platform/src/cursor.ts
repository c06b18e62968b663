/** Thrown when an opaque pagination cursor is not one this service made. */
export class InvalidCursor extends Error {}

/** Packs a keyset pagination key into an opaque cursor (base64url JSON). */
export function packCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')
}

/** The JSON value inside a cursor; throws InvalidCursor when it is not base64url JSON. The caller checks its shape. */
export function unpackCursor(cursor: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursor('not base64url')
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw new InvalidCursor('not a cursor')
  }
}
