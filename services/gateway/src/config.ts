import { Env } from '@shop/platform/config'
import { type Static, Type } from '@sinclair/typebox'

/** Settings of the gateway beyond the shared ones (runtime.ts). 0 turns a limit off. */
export const GatewayConfig = Type.Object({
  RATE_LIMIT_PER_MINUTE: Env.int(6000),
  USER_RATE_LIMIT_PER_MINUTE: Env.int(6000),
  AUTH_RATE_LIMIT_PER_MINUTE: Env.int(30),
  CORS_ORIGINS: Env.string(''),
  TRUST_PROXY: Env.optionalString(),
  UPSTREAM_TIMEOUT_MS: Env.int(10_000, 1),
  BREAKER_RESET_MS: Env.int(5_000, 100),
  /** Public answers kept in the gateway's edge cache at most; 0 turns it off. */
  EDGE_CACHE_MAX_ENTRIES: Env.int(10_000, 0),
  /** Bytes of answer bodies the edge cache holds at most (an answer larger than this is never kept). */
  EDGE_CACHE_MAX_BYTES: Env.int(32 * 1024 * 1024, 1024),
  /** The built web app (apps/web/dist); empty: the one beside this source tree. */
  WEB_DIST_DIR: Env.string(''),
  /** The site's public origin (https://shop.example) for canonical URLs and the sitemap; empty: each request's own. */
  PUBLIC_ORIGIN: Env.string(''),
  /** URLs per sitemap file; past it /sitemap.xml is an index of files (50,000 is the protocol's most). */
  SITEMAP_URLS_PER_FILE: Type.Integer({ minimum: 1, maximum: 50_000, default: 50_000 }),
})
export type GatewayConfig = Static<typeof GatewayConfig>

/** TRUST_PROXY: unset → false; 'true' → trust every hop; else a comma list of addresses/CIDRs. */
export function trustProxySetting(v: string | undefined): boolean | string[] {
  if (!v) return false
  if (v === 'true') return true
  return v.split(',').map((s) => s.trim()).filter(Boolean)
}
