/**
 * The benchmark contract: a scenario file in bench/scenarios exports one or more
 * Scenario objects; the harness (bench/run.ts) finds them, runs setup → run →
 * teardown one at a time, and prints every Result next to its baseline's.
 */

/** What one measured run produced. Latencies in milliseconds. */
export interface Result {
  requestsPerSec: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
  /** Connection errors, timeouts and non-2xx answers (or failed transactions). */
  errors: number
  /** Requests (or transactions) completed during the measured window. */
  total: number
  notes?: string
  /**
   * The figure a scenario is judged by when its requests/s is fixed (an open loop at a set
   * rate): with BENCH_ROUNDS > 1 the round with the median of this value stands for the
   * scenario, and every round's value is listed, instead of the round nearest the median rate.
   */
  figure?: { name: string; value: number; unit: string }
}

/** Settings and servers a scenario runs against; one fresh object per scenario. */
export interface BenchContext {
  /** Length of each measured run (BENCH_DURATION_SEC, default 10; 1 with --smoke). */
  durationSec: number
  /** Unmeasured load before each measured run, so the JIT and pools are warm. */
  warmupSec: number
  /** autocannon connections (BENCH_CONNECTIONS, default 50). */
  connections: number
  /** autocannon pipelining (BENCH_PIPELINING, default 1). */
  pipelining: number
  /** True under --smoke: exercise the harness quickly, figures are not meaningful. */
  smoke: boolean
  pgUrl: string
  redisUrl: string
  amqpUrl: string
  /** The repository root (where package.json is). */
  repoRoot: string
  /** bench/.tmp, git-ignored scratch space; exists when a scenario starts. */
  tmpDir: string
  /** Progress line on stderr, prefixed with the scenario name. */
  log(message: string): void
}

export interface Scenario {
  name: string
  /** Rows are ordered by group; 'baseline' comes first and always runs. */
  group?: string
  /** Name of the scenario this one is compared to (requests/s ratio). */
  baseline?: string
  /**
   * Measure the baseline again right before and right after this scenario's run (A-B-A, its
   * setup done first) and compare with the mean of the two: on a shared VM the host's speed
   * drifts between minutes by more than the ratio being judged, and a baseline measured in
   * its own slot, minutes earlier and before other scenarios' servers and leftovers, is not
   * the same machine any more.
   */
  pairedBaseline?: boolean
  setup(ctx: BenchContext): Promise<void>
  run(ctx: BenchContext): Promise<Result>
  teardown(ctx: BenchContext): Promise<void>
}

/** Thrown from setup when a prerequisite is missing; the row says why instead of failing. */
export class SkipScenario extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'SkipScenario'
  }
}

/** What the harness knows about a scenario after its turn. */
export interface Outcome {
  name: string
  group?: string
  baseline?: string
  result?: Result
  /** With several rounds: the median of the per-round ratios to the baseline (otherwise the table divides the two rows). */
  ratio?: number
  /** A paired baseline's requests/s measured right before and right after this scenario's run. */
  pairedBaseline?: { before: number; after: number }
  skipped?: string
  failed?: string
}

/** True for any exported value shaped like a Scenario (how the registry finds them). */
export function isScenario(value: unknown): value is Scenario {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    typeof v.name === 'string' &&
    typeof v.setup === 'function' &&
    typeof v.run === 'function' &&
    typeof v.teardown === 'function'
  )
}
