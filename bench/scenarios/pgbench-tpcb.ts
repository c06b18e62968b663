import { cpus } from 'node:os'
import { answers } from '@shop/platform/testing'
import { dropDatabase, ensureDatabase } from '@shop/platform/db'
import { recordCpuPerOperation, withCpuAccounting } from '../lib/cpu-accounting.ts'
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
    const { value: r, spent } = await withCpuAccounting(() =>
      pgbenchRun(ctx.pgUrl, DATABASE, { clients: CLIENTS, threads: THREADS, durationSec: ctx.durationSec, logDir: ctx.tmpDir }),
    )
    const { latencyAvgMs, ...result } = r
    // The whole machine's busy time (pgbench's backends end before the second reading, so
    // they would be lost from a per-process sum): the price of one transaction, client included.
    const cpuPerTx = spent && result.total > 0 ? spent.machineBusyMs / result.total : undefined
    if (cpuPerTx !== undefined) recordCpuPerOperation('pgbench-tpcb', cpuPerTx)
    const busy = spent && cpuPerTx !== undefined ? `; machine CPU ${cpuPerTx.toFixed(2)} ms per transaction, the machine ${Math.round((100 * spent.machineBusyMs) / (spent.wallMs * cpus().length))}% busy` : ''
    return {
      ...result,
      notes: `transactions/s; scale ${scale}, ${CLIENTS} clients, ${THREADS} threads; latency average ${latencyAvgMs.toFixed(2)} ms${busy}`,
    }
  },
  async teardown(ctx) {
    if (created) await dropDatabase(ctx.pgUrl, DATABASE)
    created = false
  },
}
