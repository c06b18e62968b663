import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { testAmqpUrl, testRedisUrl } from '@shop/platform/testing'
import { machineInfo, describeMachine } from './lib/machine.ts'
import { loadScenarios, selectScenarios } from './lib/registry.ts'
import { combineRounds } from './lib/rounds.ts'
import { type RunSettings, writeResultsMarkdown } from './lib/results-md.ts'
import { formatRate, renderTextTable } from './lib/table.ts'
import { type BenchContext, type Outcome, type Scenario, SkipScenario } from './lib/types.ts'

// `npm run bench -- [--smoke] [filter ...]`: runs the baselines and the scenarios whose
// name contains a filter, one at a time, then prints the table and writes results.md.

const benchDir = dirname(fileURLToPath(import.meta.url))
const repoRoot = dirname(benchDir)

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`${name} must be a positive integer, got "${raw}"\n`)
    process.exit(2)
  }
  return n
}

function settingsFromArgs(argv: string[]): RunSettings {
  const unknown = argv.filter((a) => a.startsWith('--') && a !== '--smoke')
  if (unknown.length) {
    process.stderr.write(`unknown option ${unknown.join(' ')}; usage: npm run bench -- [--smoke] [filter ...]\n`)
    process.exit(2)
  }
  const smoke = argv.includes('--smoke') || process.env.BENCH_DURATION_SEC === '1'
  const durationSec = argv.includes('--smoke') ? 1 : positiveInt('BENCH_DURATION_SEC', 10)
  return {
    durationSec,
    warmupSec: smoke ? 0 : Math.min(3, Math.max(1, Math.round(durationSec / 5))),
    connections: positiveInt('BENCH_CONNECTIONS', 50),
    pipelining: positiveInt('BENCH_PIPELINING', 1),
    rounds: positiveInt('BENCH_ROUNDS', 1),
    smoke,
    filters: argv.filter((a) => !a.startsWith('--')),
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${Math.round(ms / 1000)} s`)), ms)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err))

async function runOne(s: Scenario, settings: RunSettings, scenarios: Scenario[]): Promise<Outcome> {
  const ctx = contextFor(s, settings)
  await mkdir(ctx.tmpDir, { recursive: true })
  const outcome: Outcome = { name: s.name, group: s.group, baseline: s.baseline }
  const paired = s.pairedBaseline ? scenarios.find((b) => b.name === s.baseline) : undefined
  const pairedCtx = paired && contextFor(paired, settings)
  let pairedUp = false
  process.stderr.write(`▶ ${s.name}\n`)
  try {
    // Seeding (a million products) may take minutes; a run is bounded by its duration.
    await withTimeout(s.setup(ctx), 30 * 60_000, `${s.name} setup`)
    const budget = Math.max(120, 10 * (settings.durationSec + settings.warmupSec)) * 1000
    if (paired && pairedCtx) {
      pairedUp = true
      await withTimeout(paired.setup(pairedCtx), 5 * 60_000, `${paired.name} setup`)
      const before = await withTimeout(paired.run(pairedCtx), budget, `${paired.name} run`)
      const result = await withTimeout(s.run(ctx), budget, `${s.name} run`)
      const after = await withTimeout(paired.run(pairedCtx), budget, `${paired.name} run`)
      outcome.pairedBaseline = { before: before.requestsPerSec, after: after.requestsPerSec }
      const measured = `${paired.name} measured right before and after it: ${formatRate(before.requestsPerSec)} and ${formatRate(after.requestsPerSec)} requests/s`
      outcome.result = { ...result, notes: result.notes ? `${result.notes}; ${measured}` : measured }
    } else {
      outcome.result = await withTimeout(s.run(ctx), budget, `${s.name} run`)
    }
  } catch (err) {
    if (err instanceof SkipScenario) outcome.skipped = err.message
    else outcome.failed = message(err)
    process.stderr.write(`  [${s.name}] ${outcome.skipped ? 'skipped' : 'failed'}: ${message(err)}\n`)
  } finally {
    if (paired && pairedCtx && pairedUp) {
      await withTimeout(paired.teardown(pairedCtx), 120_000, `${paired.name} teardown`).catch((err: unknown) => {
        process.stderr.write(`  [${paired.name}] teardown failed: ${message(err)}\n`)
      })
    }
    await withTimeout(s.teardown(ctx), 120_000, `${s.name} teardown`).catch((err: unknown) => {
      process.stderr.write(`  [${s.name}] teardown failed: ${message(err)}\n`)
      outcome.failed ??= `teardown: ${message(err)}`
    })
  }
  return outcome
}

function contextFor(s: Scenario, settings: RunSettings): BenchContext {
  return {
    ...settings,
    // PG_URL, not the test suite's TEST_PG_URL: benchmarks use the configured server.
    pgUrl: process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: testRedisUrl(),
    amqpUrl: testAmqpUrl(),
    repoRoot,
    tmpDir: join(benchDir, '.tmp'),
    log: (m) => process.stderr.write(`  [${s.name}] ${m}\n`),
  }
}

async function main(): Promise<void> {
  const settings = settingsFromArgs(process.argv.slice(2))
  const machine = machineInfo()
  const scenarios = selectScenarios(await loadScenarios(join(benchDir, 'scenarios')), settings.filters)
  process.stderr.write(
    `${describeMachine(machine)}\n${scenarios.length} scenarios, ${settings.durationSec} s each` +
      ` (+${settings.warmupSec} s warm-up), ${settings.connections} connections, pipelining ${settings.pipelining}` +
      `${settings.rounds > 1 ? `, ${settings.rounds} rounds` : ''}\n`,
  )
  const started = new Date()
  const rounds: Outcome[][] = []
  for (let r = 1; r <= settings.rounds; r++) {
    if (settings.rounds > 1) process.stderr.write(`round ${r} of ${settings.rounds}\n`)
    const round: Outcome[] = []
    for (const s of scenarios) round.push(await runOne(s, settings, scenarios))
    rounds.push(round)
  }
  const outcomes = combineRounds(rounds)

  process.stdout.write(`\n${renderTextTable(outcomes)}\n`)
  const file = join(benchDir, 'results.md')
  await writeResultsMarkdown(file, outcomes, machine, settings, started)
  process.stderr.write(`\nwritten to ${file}\n`)
  if (outcomes.some((o) => o.failed)) process.exitCode = 1
}

await main()
