/**
 * Whether an error means a server we depend on is unreachable (refused, reset, shutting
 * down, connection lost or not obtainable in time) rather than a bug: such a request
 * is answered 503 upstream_unavailable with Retry-After, not 500, so that clients retry.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])
// PostgreSQL SQLSTATE: class 08 connection exceptions, 57P01..03 shutdown/cannot connect
// now, 53300 too many connections (the server's or the role's limit is reached: a
// capacity condition that passes, not a bug).
const PG_OUTAGE = /^(08...|57P0[123]|53300)$/
const MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection terminated unexpectedly',
]

export function isInfrastructureOutage(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown }
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || PG_OUTAGE.test(e.code))) return true
  if (typeof e.message === 'string' && MESSAGES.some((m) => (e.message as string).includes(m))) return true
  if (Array.isArray(e.errors) && e.errors.some((x) => isInfrastructureOutage(x, depth + 1))) return true
  return isInfrastructureOutage(e.cause, depth + 1)
}
