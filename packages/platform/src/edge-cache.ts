/**
 * How a service lets the gateway keep a copy of a public answer, and for how long.
 *
 * A service that answers a GET with
 *   edge-cache-ttl-ms: 640
 *   edge-cache-validators: product:gen:p:3f1c...=9b2e... product:gen:x=
 * allows the gateway to answer the same URL from memory for up to 640 ms, but only while
 * every listed cache key still holds the value given (empty: the key was absent). The
 * service names the generation tokens it read before loading the answer, so a write that
 * replaces a token (before it answers its own caller) makes every later copy a miss:
 * an edge copy is never served after the write it predates. The TTL is the service's
 * bound on what the token does not cover (a product read's stock, at most a second old).
 * Both headers are internal: the gateway removes them from what it relays.
 */

export const EDGE_TTL_HEADER = 'edge-cache-ttl-ms'
/**
 * Where services keep the cache keys they name as validators. The gateway holds a copy of
 * these keys' values, kept exact by Redis's pushes (key-mirror.ts), so a hit costs no round
 * trip; a validator anywhere else still works, read from the cache on every hit.
 */
export const VALIDATOR_PREFIXES = ['product:gen:', 'product:stock:']
export const EDGE_VALIDATORS_HEADER = 'edge-cache-validators'

export interface EdgeCachePolicy {
  ttlMs: number
  /** Cache key → the value it held when the answer was loaded ('' when absent). */
  validators: Record<string, string>
}

/** A key or value may carry neither spaces nor '=' (keys are `prefix:...`, values are tokens). */
const SAFE = /^[^\s=]*$/

/** The two headers for a policy; throws on a key or value the header format cannot carry. */
export function edgeCacheHeaders(policy: EdgeCachePolicy): Record<string, string> {
  const pairs: string[] = []
  for (const [key, value] of Object.entries(policy.validators)) {
    if (!key || !SAFE.test(key) || !SAFE.test(value)) throw new RangeError(`edge cache validator ${key}=${value} cannot be sent in a header`)
    pairs.push(`${key}=${value}`)
  }
  return { [EDGE_TTL_HEADER]: String(Math.max(0, Math.floor(policy.ttlMs))), [EDGE_VALIDATORS_HEADER]: pairs.join(' ') }
}

/** The policy an upstream's answer declares; undefined when it declares none or a malformed one. */
export function readEdgeCachePolicy(headers: Record<string, string | string[] | undefined>): EdgeCachePolicy | undefined {
  const ttl = headers[EDGE_TTL_HEADER]
  const list = headers[EDGE_VALIDATORS_HEADER]
  if (typeof ttl !== 'string' || typeof list !== 'string' || !/^\d+$/.test(ttl)) return undefined
  const validators: Record<string, string> = {}
  for (const pair of list.split(' ')) {
    if (!pair) continue
    const eq = pair.indexOf('=')
    if (eq <= 0 || pair.indexOf('=', eq + 1) !== -1) return undefined
    validators[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  // An answer with nothing to validate against could never be told stale: never keep it.
  if (Object.keys(validators).length === 0) return undefined
  return { ttlMs: Number(ttl), validators }
}
