import { answers } from '@shop/platform/testing'
import { dropDatabase, ensureDatabase } from '@shop/platform/db'
import { pgbenchAvailable, pgbenchInit, pgbenchRun } from '../lib/pgbench.ts'
import { type Scenario, SkipScenario } from '../lib/types.ts'

const DATABASE = 'shop_bench_pgbench'
const CLIENTS = 8
const THREADS = 2
let created = false
let scale = 10

/** Baseline (c): PostgreSQL's own TPC-B on this machine, the yardstick for write-heavy flows. */
export const pgbenchTpcb: Scenario = {
  name: 'pgbench-tpcb',
  group: 'baseline',
  async setup(ctx) {
    if (!pgbenchAvailable()) throw new SkipScenario('pgbench is not on PATH')
    if (!(await answers(ctx.pgUrl))) throw new SkipScenario(`PostgreSQL does not answer at ${ctx.pgUrl.replace(/\/\/[^@]*@/, '//')}`)
    // Smoke runs only exercise the harness; a scale-10 load takes longer than the run.
    scale = ctx.smoke ? 1 : 10
    await dropDatabase(ctx.pgUrl, DATABASE)
    await ensureDatabase(ctx.pgUrl, DATABASE)
    created = true
    ctx.log(`pgbench -i -s ${scale}`)
    await pgbenchInit(ctx.pgUrl, DATABASE, scale, ctx.tmpDir)
  },
  async run(ctx) {
    const r = await pgbenchRun(ctx.pgUrl, DATABASE, { clients: CLIENTS, threads: THREADS, durationSec: ctx.durationSec, logDir: ctx.tmpDir })
    const { latencyAvgMs, ...result } = r
    return {
      ...result,
      notes: `transactions/s; scale ${scale}, ${CLIENTS} clients, ${THREADS} threads; latency average ${latencyAvgMs.toFixed(2)} ms`,
    }
  },
  async teardown(ctx) {
    if (created) await dropDatabase(ctx.pgUrl, DATABASE)
    created = false
  },
}
