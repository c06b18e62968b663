import { InvalidCursor, packCursor, unpackCursor } from '@shop/platform/cursor'

/**
 * Keyset cursor of the order list (newest first): the last item's exact creation time
 * and id, as opaque base64url JSON. The next page starts strictly after that key, so
 * orders placed between two page reads never make another one repeat or disappear.
 */

export interface OrderCursor {
  /** PostgreSQL's microsecond timestamp, UTC: a rounded one would skip or repeat rows. */
  createdAt: string
  id: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/

export { InvalidCursor }

/** The opaque cursor for the last item of a page. */
export function encodeCursor(key: OrderCursor): string {
  return packCursor([key.createdAt, key.id])
}

/** The key inside a cursor; throws InvalidCursor when it is not one of ours. */
export function decodeCursor(cursor: string): OrderCursor {
  const parsed = unpackCursor(cursor)
  if (!Array.isArray(parsed) || parsed.length !== 2) throw new InvalidCursor('not a cursor')
  const [createdAt, id] = parsed as unknown[]
  if (typeof createdAt !== 'string' || !TIMESTAMP.test(createdAt) || Number.isNaN(Date.parse(createdAt))) {
    throw new InvalidCursor('bad timestamp')
  }
  if (typeof id !== 'string' || !UUID.test(id)) throw new InvalidCursor('bad id')
  return { createdAt, id }
}
