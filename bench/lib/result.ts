import type { Result } from './types.ts'

/** The fields of an autocannon result this harness reads (a subset of autocannon.Result). */
export interface AutocannonSummary {
  duration: number
  errors: number
  timeouts: number
  non2xx: number
  mismatches: number
  requests: { total: number }
  latency: { p50: number; p90: number; p97_5: number; p99: number }
}

/** Nearest-rank percentile of ascending samples; NaN when there are none. */
export function percentile(sortedAsc: ArrayLike<number>, p: number): number {
  const n = sortedAsc.length
  if (n === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * n)
  return sortedAsc[Math.min(n, Math.max(1, rank)) - 1]
}

/**
 * p50/p95/p99 from an autocannon result alone. autocannon's histogram reports p90 and
 * p97.5 but no p95, so p95 is interpolated linearly between them.
 */
export function percentilesFromAutocannon(ac: AutocannonSummary): { p50Ms: number; p95Ms: number; p99Ms: number } {
  const { p50, p90, p97_5, p99 } = ac.latency
  const p95 = p90 + ((95 - 90) / (97.5 - 90)) * (p97_5 - p90)
  return { p50Ms: p50, p95Ms: p95, p99Ms: p99 }
}

/**
 * Turns an autocannon result into a Result. When the per-response latencies were
 * recorded (sub-millisecond, unlike autocannon's integer histogram), the percentiles
 * come from them; otherwise from the result object.
 */
export function toResult(ac: AutocannonSummary, latenciesMs?: ArrayLike<number>): Result {
  const total = ac.requests.total
  const pct =
    latenciesMs && latenciesMs.length > 0
      ? (() => {
          const sorted = Float64Array.from(latenciesMs).sort()
          return { p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), p99Ms: percentile(sorted, 99) }
        })()
      : percentilesFromAutocannon(ac)
  return {
    requestsPerSec: ac.duration > 0 ? total / ac.duration : 0,
    ...pct,
    // autocannon's `errors` already includes timeouts.
    errors: ac.errors + ac.non2xx + ac.mismatches,
    total,
  }
}

/**
 * `0.420× raw-fastify`: requests/s of a scenario relative to its baseline's, to three
 * significant digits, cut rather than rounded: targets are thresholds (≥ 0.25×), and a
 * ratio of 0.2496 must not read as 0.25.
 */
export function formatRatio(value: number, baselineValue: number | undefined, baselineName: string): string {
  if (baselineValue === undefined || !Number.isFinite(baselineValue) || baselineValue <= 0 || !Number.isFinite(value)) {
    return `n/a (${baselineName} not measured)`
  }
  return `${truncatedDigits(value / baselineValue, 3)}× ${baselineName}`
}

/** `r` to `significant` digits, cut toward zero (0.2496 → "0.249"); numbers of more integer digits are cut to an integer. */
function truncatedDigits(r: number, significant: number): string {
  if (r === 0) return (0).toFixed(significant - 1)
  const decimals = Math.max(0, significant - 1 - Math.floor(Math.log10(Math.abs(r))))
  const scale = 10 ** decimals
  // The nudge keeps a value held as 0.28999999999999998 (0.29) from being cut to 0.28.
  return (Math.trunc(r * scale * (1 + 1e-12)) / scale).toFixed(decimals)
}
