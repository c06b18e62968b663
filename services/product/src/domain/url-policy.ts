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
  if (raw.startsWith('/')) return sitePathProblem(raw)
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'must be an absolute http or https URL or a path on this site (/...)'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL'
  if (url.username || url.password) return 'must not carry credentials'
  // The WHATWG parser has already turned 0x7f.1, 2130706433 and friends into dotted quads.
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase()
  if (!host) return 'must name a host'
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not point at localhost'
  const family = isIP(host)
  // Names that only resolve inside a network: metadata.google.internal, printer.local,
  // and dotless intranet names (metadata, instance-data). A public image host has a dot.
  if (family === 0 && (!host.includes('.') || INTERNAL_SUFFIXES.some((s) => host.endsWith(s)))) {
    return 'must name a public host, not an internal one'
  }
  if (family === 4 && isInternalIPv4(host)) return 'must not point at a loopback, private or link-local address'
  if (family === 6 && isInternalIPv6(host)) return 'must not point at a loopback, private or link-local address'
  return null
}

/**
 * A path on the shop's own site (`/demo/DEMO-AUD-001.svg`, served with the storefront):
 * it can only reach the origin the page came from. `//host` and `/\\host` are refused,
 * since browsers read both as another host.
 */
function sitePathProblem(path: string): string | null {
  if (path[1] === '/' || path.includes('\\')) return 'must not name another host (a site path starts with a single /)'
  if ([...path].some((ch) => ch.charCodeAt(0) <= 0x20 || ch === '\x7f')) return 'must not contain spaces or control characters'
  return null
}

const INTERNAL_SUFFIXES = ['.internal', '.local', '.localdomain', '.home.arpa', '.lan', '.intranet', '.corp']

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

/** The eight 16-bit groups of an IPv6 address as the URL parser writes it (a trailing dotted quad counts as two). */
function ipv6Groups(ip: string): number[] {
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip)
  const hex = quad ? `${ip.slice(0, quad.index)}${((+quad[1] << 8) | +quad[2]).toString(16)}:${((+quad[3] << 8) | +quad[4]).toString(16)}` : ip
  const [head, tail] = hex.split('::')
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => Number.parseInt(g, 16)) : [])
  const h = parse(head)
  const t = parse(tail)
  return tail === undefined ? h : [...h, ...Array<number>(Math.max(0, 8 - h.length - t.length)).fill(0), ...t]
}

/**
 * ::, ::1, fc00::/7 (unique local), fe80::/10 (link-local), ff00::/8, and internal IPv4
 * addresses carried inside IPv6: mapped (::ffff:0:0/96), compatible (::/96), NAT64
 * (64:ff9b::/96) and 6to4 (2002::/16).
 */
export function isInternalIPv6(ip: string): boolean {
  const g = ipv6Groups(ip.toLowerCase())
  if (g.length !== 8 || g.some((x) => Number.isNaN(x))) return true
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0)
  if (zeros(0, 7) && g[7] <= 1) return true
  if ((zeros(0, 5) && (g[5] === 0 || g[5] === 0xffff)) || (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6))) {
    return isInternalIPv4(v4(g[6], g[7]))
  }
  if (g[0] === 0x2002) return isInternalIPv4(v4(g[1], g[2]))
  return (g[0] & 0xfe00) === 0xfc00 || (g[0] & 0xffc0) === 0xfe80 || (g[0] & 0xff00) === 0xff00
}
