import { isIP } from 'node:net'

/**
 * Which image URLs a product may carry. The service never fetches them, but clients and
 * future thumbnailers will, so a URL aimed at the shop's own network (loopback, private,
 * link-local, 'localhost') is refused here rather than trusted later.
 */

export const MAX_URL_CHARS = 2048

/** Why the URL is refused, or null when it is acceptable. */
export function imageUrlProblem(raw: string): string | null {
  if (raw.length > MAX_URL_CHARS) return `must be at most ${MAX_URL_CHARS} characters`
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'must be an absolute http or https URL'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL'
  if (url.username || url.password) return 'must not carry credentials'
  // The WHATWG parser has already turned 0x7f.1, 2130706433 and friends into dotted quads.
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase()
  if (!host) return 'must name a host'
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not point at localhost'
  const family = isIP(host)
  if (family === 4 && isInternalIPv4(host)) return 'must not point at a loopback, private or link-local address'
  if (family === 6 && isInternalIPv6(host)) return 'must not point at a loopback, private or link-local address'
  return null
}

function ipv4Octets(ip: string): number[] {
  return ip.split('.').map((o) => Number.parseInt(o, 10))
}

/** 0/8, 10/8, 100.64/10 (carrier NAT), 127/8, 169.254/16, 172.16/12, 192.168/16, 192.0.0/24, 198.18/15, 224/4 and above. */
export function isInternalIPv4(ip: string): boolean {
  const [a, b, c] = ipv4Octets(ip)
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && c === 0) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  )
}

/** ::, ::1, fc00::/7 (unique local), fe80::/10 (link-local), ff00::/8, and IPv4-mapped internal addresses. */
export function isInternalIPv6(ip: string): boolean {
  const lower = ip.toLowerCase()
  if (lower === '::' || lower === '::1') return true
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)
  if (mapped) return isInternalIPv4(mapped[1])
  // The URL parser writes a mapped address in hex (::ffff:7f00:1).
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower)
  if (mappedHex) {
    const hi = Number.parseInt(mappedHex[1], 16)
    const lo = Number.parseInt(mappedHex[2], 16)
    return isInternalIPv4(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`)
  }
  const first = Number.parseInt(lower.split(':')[0] || '0', 16)
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00
}
