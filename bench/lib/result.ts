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

/** `0.42× raw-fastify`: requests/s of a scenario relative to its baseline's. */
export function formatRatio(value: number, baselineValue: number | undefined, baselineName: string): string {
  if (baselineValue === undefined || !Number.isFinite(baselineValue) || baselineValue <= 0 || !Number.isFinite(value)) {
    return `n/a (${baselineName} not measured)`
  }
  const r = value / baselineValue
  const digits = r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)
  return `${digits}× ${baselineName}`
}
