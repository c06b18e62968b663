import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { loadTest } from '../bench/lib/autocannon.ts'
import { type CpuSnapshot, cpuSnapshot, cpuSpent, describeCpuPerOperation, parseMachineBusyMs, parseProcessCpuMs, processGroup } from '../bench/lib/cpu-accounting.ts'
import { parsePgbenchLog, parsePgbenchSummary, pgbenchConnection } from '../bench/lib/pgbench.ts'
import { selectScenarios } from '../bench/lib/registry.ts'
import { type AutocannonSummary, formatRatio, percentile, percentilesFromAutocannon, toResult } from '../bench/lib/result.ts'
import { renderResultsMarkdown } from '../bench/lib/results-md.ts'
import { combineRounds } from '../bench/lib/rounds.ts'
import { formatMs, formatRate, renderMarkdownTable, renderTextTable } from '../bench/lib/table.ts'
import type { Outcome, Result, Scenario } from '../bench/lib/types.ts'

// The harness's pure parts on fixed numbers; no load is generated here.

const ac = (over: Partial<AutocannonSummary> = {}): AutocannonSummary => ({
  duration: 10,
  errors: 2,
  timeouts: 1,
  non2xx: 3,
  mismatches: 0,
  requests: { total: 123_450 },
  latency: { p50: 4, p90: 10, p97_5: 25, p99: 40 },
  ...over,
})

const result = (rps: number, notes?: string): Result => ({ requestsPerSec: rps, p50Ms: 1.234, p95Ms: 5.5, p99Ms: 12.25, errors: 0, total: rps * 10, notes })

describe('Result math', () => {
  it('when percentiles are asked of ascending samples, the nearest rank is returned', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentile(samples, 50)).toBe(50)
    expect(percentile(samples, 95)).toBe(95)
    expect(percentile(samples, 99)).toBe(99)
    expect(percentile([7], 99)).toBe(7)
    expect(percentile([], 50)).toBeNaN()
  })

  it('when only the autocannon result is at hand, p95 is interpolated between p90 and p97.5', () => {
    expect(percentilesFromAutocannon(ac())).toEqual({ p50Ms: 4, p95Ms: 20, p99Ms: 40 })
  })

  it('when recorded latencies are given, percentiles come from them and requests/s from total over duration', () => {
    const latencies = [9, 1, 5, 3, 7, 2, 8, 4, 6, 10].map((v) => v / 10)
    const r = toResult(ac(), latencies)
    expect(r.requestsPerSec).toBe(12_345)
    expect(r.total).toBe(123_450)
    expect(r.p50Ms).toBeCloseTo(0.5)
    expect(r.p95Ms).toBeCloseTo(1.0)
    expect(r.p99Ms).toBeCloseTo(1.0)
    // Connection errors (timeouts included) plus non-2xx answers; timeouts are not counted twice.
    expect(r.errors).toBe(5)
  })

  it('when no latencies were recorded, the result falls back to the histogram percentiles', () => {
    const r = toResult(ac({ mismatches: 4 }), [])
    expect([r.p50Ms, r.p95Ms, r.p99Ms]).toEqual([4, 20, 40])
    expect(r.errors).toBe(9)
  })

  it('when a run lasted no time, requests/s is 0 rather than Infinity', () => {
    expect(toResult(ac({ duration: 0 })).requestsPerSec).toBe(0)
  })
})

describe('ratio and number formatting', () => {
  it.each([
    [420, 1000, 'raw-fastify', '0.420× raw-fastify'],
    [1000, 1000, 'raw-fastify', '1.00× raw-fastify'],
    [12_500, 1000, 'pgbench-tpcb', '12.5× pgbench-tpcb'],
    [250_000, 1000, 'pgbench-tpcb', '250× pgbench-tpcb'],
    [2_500_000, 1000, 'pgbench-tpcb', '2500× pgbench-tpcb'],
    [42, 10_000, 'raw-fastify', '0.00420× raw-fastify'],
  ])('formats the ratio to the baseline with the baseline name: %d / %d → %s', (value, baseline, name, shown) => {
    expect(formatRatio(value, baseline, name)).toBe(shown)
  })

  // A ratio just under a target must never read as the target: the digits are cut, not rounded.
  it.each([
    [13_835, 55_360, 'raw-fastify', '0.249× raw-fastify'],
    [2_496, 10_000, 'raw-fastify', '0.249× raw-fastify'],
    [2_500, 10_000, 'raw-fastify', '0.250× raw-fastify'],
    [29, 100, 'raw-fastify', '0.290× raw-fastify'],
    [133, 3_368, 'pgbench-tpcb', '0.0394× pgbench-tpcb'],
    [0, 1000, 'raw-fastify', '0.00× raw-fastify'],
  ])('cuts the ratio instead of rounding it: %d / %d → %s', (value, baseline, name, shown) => {
    expect(formatRatio(value, baseline, name)).toBe(shown)
  })

  it('when the baseline was not measured, the ratio says so instead of dividing by nothing', () => {
    expect(formatRatio(420, undefined, 'fastify-redis-get')).toBe('n/a (fastify-redis-get not measured)')
    expect(formatRatio(420, 0, 'raw-fastify')).toBe('n/a (raw-fastify not measured)')
  })

  it('formats rates and milliseconds with precision that fits their size', () => {
    expect(formatRate(23_456.7)).toBe('23,457')
    expect(formatRate(45.26)).toBe('45.3')
    expect(formatMs(2.345)).toBe('2.35')
    expect(formatMs(123.45)).toBe('123.5')
    expect(formatMs(1234.5)).toBe('1,235')
    expect(formatMs(Number.NaN)).toBe('—')
  })
})

describe('table printer', () => {
  const outcomes: Outcome[] = [
    { name: 'cached-product-read', group: 'catalogue', baseline: 'fastify-redis-get', result: result(5_000, 'warm cache') },
    { name: 'raw-fastify', group: 'baseline', result: result(20_000) },
    { name: 'fastify-redis-get', group: 'baseline', baseline: 'raw-fastify', result: result(8_400) },
    { name: 'pgbench-tpcb', group: 'baseline', skipped: 'pgbench is not on PATH' },
    { name: 'checkout', group: 'orders', baseline: 'pgbench-tpcb', failed: 'gateway did not start' },
  ]

  it('prints baselines first, ratios against the baseline row, and skip and failure reasons as notes', () => {
    expect(renderTextTable(outcomes)).toBe(
      [
        'scenario             requests/s  p50 ms  p95 ms  p99 ms  errors  vs baseline',
        '-------------------  ----------  ------  ------  ------  ------  ------------------------',
        'raw-fastify              20,000    1.23    5.50    12.3       0  —',
        'fastify-redis-get         8,400    1.23    5.50    12.3       0  0.420× raw-fastify',
        'pgbench-tpcb            skipped       —       —       —       —  —',
        'cached-product-read       5,000    1.23    5.50    12.3       0  0.595× fastify-redis-get',
        'checkout                 failed       —       —       —       —  —',
        '',
        '* pgbench-tpcb: skipped: pgbench is not on PATH',
        '* cached-product-read: warm cache',
        '* checkout: failed: gateway did not start',
      ].join('\n'),
    )
  })

  it('writes the same rows as a markdown table with numeric columns right-aligned', () => {
    const md = renderMarkdownTable(outcomes).split('\n')
    expect(md[0]).toBe('| scenario | requests/s | p50 ms | p95 ms | p99 ms | errors | vs baseline |')
    expect(md[1]).toBe('|:---|---:|---:|---:|---:|---:|:---|')
    expect(md[3]).toBe('| fastify-redis-get | 8,400 | 1.23 | 5.50 | 12.3 | 0 | 0.420× raw-fastify |')
    expect(md).toContain('- checkout: failed: gateway did not start')
  })

  it('puts the machine, the date and the settings above the table in results.md', () => {
    const machine = { cores: 2, cpuModel: 'AMD EPYC', node: 'v20.20.2', memoryGiB: 23.5, loadAverage: 0.5 }
    const settings = { durationSec: 5, warmupSec: 1, connections: 50, pipelining: 1, rounds: 1, smoke: false, filters: [] }
    const md = renderResultsMarkdown(outcomes, machine, settings, new Date('2025-01-02T03:04:05Z'))
    expect(md).toContain('- Date: 2025-01-02T03:04:05.000Z')
    expect(md).toContain('- Machine: 2 cores, AMD EPYC, Node v20.20.2, 23.5 GiB RAM, load average 0.5 at start')
    expect(md).toContain('5 s measured after 1 s warm-up each; autocannon 50 connections, pipelining 1')
    expect(md).not.toContain('- Rounds:')
    expect(md.indexOf('- Date:')).toBeLessThan(md.indexOf('| scenario |'))
    expect(renderResultsMarkdown(outcomes, machine, { ...settings, rounds: 3 }, new Date())).toContain('- Rounds: 3; each row is the median round')
  })
})

describe('several rounds', () => {
  const round = (raw: number, cached: number | 'failed', p99 = 10): Outcome[] => [
    { name: 'raw-fastify', group: 'baseline', result: { ...result(raw), p99Ms: p99 } },
    cached === 'failed'
      ? { name: 'cached', group: 'catalogue', baseline: 'raw-fastify', failed: 'boom' }
      : { name: 'cached', group: 'catalogue', baseline: 'raw-fastify', result: { ...result(cached, `run at ${cached}`), p99Ms: p99 } },
  ]

  it('one round is passed through as it is', () => {
    const only = round(20_000, 5_000)
    expect(combineRounds([only])).toBe(only)
  })

  it('shows the median round with its own latencies and notes, and the median of the per-round ratios', () => {
    // Ratios per round: 0.25, 0.40, 0.30; the host was slow in round 2 for the baseline only.
    const combined = combineRounds([round(40_000, 10_000, 11), round(25_000, 10_000, 22), round(40_000, 12_000, 33)])
    const cached = combined.find((o) => o.name === 'cached')!
    expect(cached.result!.requestsPerSec).toBe(10_000)
    expect(cached.ratio).toBeCloseTo(0.3, 10)
    expect([11, 22]).toContain(cached.result!.p99Ms)
    expect(cached.result!.notes).toMatch(/^run at 10000; median of 3 rounds \(requests\/s 10,000, 10,000, 12,000; ratio to raw-fastify per round 0\.250, 0\.400, 0\.300\)$/)
    // Small ratios keep two significant digits, as in the ratio column.
    const tiny = combineRounds([round(40_000, 60), round(40_000, 70), round(40_000, 80)]).find((o) => o.name === 'cached')!
    expect(tiny.result!.notes).toContain('per round 0.00150, 0.00175, 0.00200')
    const raw = combined.find((o) => o.name === 'raw-fastify')!
    expect(raw.result!.requestsPerSec).toBe(40_000)
    expect(raw.ratio).toBeUndefined()
    expect(renderTextTable(combined)).toContain('0.300× raw-fastify')
  })

  it('a paired baseline (measured right before and after the scenario) gives each round its ratio, not the baseline row', () => {
    const paired = (base: number, self: number, before: number, after: number): Outcome[] => [
      { name: 'raw-fastify', group: 'baseline', result: result(base) },
      { name: 'page', group: 'web', baseline: 'raw-fastify', result: result(self), pairedBaseline: { before, after } },
    ]
    // One round: the row's own ratio, 9,000 / mean(30,000, 30,000), where the rows' quotient would be 0.20.
    const one = combineRounds([paired(45_000, 9_000, 28_000, 32_000)]).find((o) => o.name === 'page')!
    expect(one.ratio).toBeCloseTo(0.3, 10)
    expect(renderTextTable(combineRounds([paired(45_000, 9_000, 28_000, 32_000)]))).toContain('0.300× raw-fastify')
    // Rounds: 0.30, 0.25, 0.20 against the pairs; the baseline rows (all 45,000) would give 0.20, 0.22, 0.13.
    const rounds = combineRounds([paired(45_000, 9_000, 30_000, 30_000), paired(45_000, 10_000, 40_000, 40_000), paired(45_000, 6_000, 20_000, 40_000)])
    const page = rounds.find((o) => o.name === 'page')!
    expect(page.ratio).toBeCloseTo(0.25, 10)
    expect(page.result!.notes).toContain('ratio to raw-fastify (measured right before and after) per round 0.300, 0.250, 0.200')
  })

  it('judges a fixed-rate scenario by its figure: the round with the median figure stands, every round listed', () => {
    const fixed = (added: number, notes: string, rps: number): Outcome[] => [
      { name: 'raw-fastify', group: 'baseline', result: result(40_000) },
      {
        name: 'token',
        group: 'identity',
        baseline: 'raw-fastify',
        // Requests/s is the rate asked for, nearly the same in every round: it cannot pick the round.
        result: { ...result(rps, notes), figure: { name: 'gateway adds p99', value: added, unit: 'ms' } },
      },
    ]
    const combined = combineRounds([fixed(0.5, 'low', 1000), fixed(3.25, 'high', 999), fixed(1.5, 'middle', 1001)])
    const token = combined.find((o) => o.name === 'token')!
    expect(token.result!.notes).toMatch(/^middle; median of 3 rounds \(.*; gateway adds p99 per round 0\.50, 3\.25, 1\.50 ms\)$/)
    expect(token.result!.figure?.value).toBe(1.5)
  })

  it('leaves out failed rounds and says how many there were; all failed keeps the failure', () => {
    const combined = combineRounds([round(40_000, 'failed'), round(40_000, 16_000), round(40_000, 12_000)])
    const cached = combined.find((o) => o.name === 'cached')!
    expect(cached.result!.requestsPerSec).toBe(14_000)
    expect(cached.ratio).toBeCloseTo(0.35, 10)
    expect(cached.result!.notes).toContain('1 round(s) failed or skipped')
    const failed = combineRounds([round(1, 'failed'), round(1, 'failed')]).find((o) => o.name === 'cached')!
    expect(failed.failed).toBe('boom')
    expect(failed.result).toBeUndefined()
  })
})

describe('scenario selection', () => {
  const s = (name: string, group?: string, baseline?: string): Scenario => ({
    name,
    group,
    baseline,
    setup: async () => {},
    run: async () => result(1),
    teardown: async () => {},
  })
  const all = [
    s('fastify-redis-get', 'baseline', 'raw-fastify'),
    s('pgbench-tpcb', 'baseline'),
    s('raw-fastify', 'baseline'),
    s('login', 'auth', 'raw-fastify'),
    s('search-page', 'catalogue', 'fastify-redis-get'),
  ]
  const names = (list: Scenario[]) => list.map((x) => x.name)

  it('without a filter runs everything, each scenario after the baseline it is compared to', () => {
    expect(names(selectScenarios(all, []))).toEqual(['raw-fastify', 'fastify-redis-get', 'pgbench-tpcb', 'login', 'search-page'])
  })

  it('with a filter runs the matching scenarios and still every baseline', () => {
    expect(names(selectScenarios(all, ['LOGIN']))).toEqual(['raw-fastify', 'fastify-redis-get', 'pgbench-tpcb', 'login'])
    expect(names(selectScenarios(all, ['nothing-matches']))).toEqual(['raw-fastify', 'fastify-redis-get', 'pgbench-tpcb'])
  })
})

describe('pgbench parsing', () => {
  const report = [
    'transaction type: <builtin: TPC-B (sort of)>',
    'scaling factor: 10',
    'number of clients: 8',
    'number of threads: 2',
    'duration: 5 s',
    'number of transactions actually processed: 10432',
    'number of failed transactions: 3 (0.029%)',
    'latency average = 3.835 ms',
    'initial connection time = 10.503 ms',
    'tps = 2086.312345 (without initial connection time)',
  ].join('\n')

  it('reads tps, average latency and transaction counts from the report', () => {
    expect(parsePgbenchSummary(report)).toEqual({ tps: 2086.312345, latencyAvgMs: 3.835, transactions: 10432, failed: 3 })
  })

  it('when the report has no tps line, parsing fails loudly', () => {
    expect(() => parsePgbenchSummary('pgbench: error: connection refused')).toThrow(/no tps/)
  })

  it('reads per-transaction latencies in ms from the log and leaves failed ones out', () => {
    const log = ['0 0 2500 0 1700000000 123456', '1 0 failed 0 1700000000 223456', '1 1 1250 0 1700000000 323456', ''].join('\n')
    expect(parsePgbenchLog(log)).toEqual([2.5, 1.25])
  })

  it('turns a postgres URL into pgbench arguments with the password in the environment', () => {
    expect(pgbenchConnection('postgres://bench:s%40cret@db.local:5433/postgres', 'shop_bench_pgbench')).toEqual({
      args: ['-h', 'db.local', '-p', '5433', '-U', 'bench', 'shop_bench_pgbench'],
      env: { PGPASSWORD: 's@cret' },
    })
  })
})

describe('CPU accounting', () => {
  it('counts user, nice, system, irq and softirq as busy, not idle, iowait or steal', () => {
    const stat = 'cpu  100 5 50 9000 40 3 2 700 0 0\ncpu0 50 2 25 4500 20 1 1 350 0 0\n'
    expect(parseMachineBusyMs(stat)).toBe((100 + 5 + 50 + 3 + 2) * 10)
    expect(() => parseMachineBusyMs('intr 1 2 3')).toThrow(/no cpu line/)
  })

  it("reads a process's utime and stime even when its name holds spaces and parentheses", () => {
    const stat = '4242 (node (worker) x) S 1 4242 4242 0 -1 4194560 900 0 0 0 123 45 0 0 20 0 11 0 5000 1000000 2000'
    expect(parseProcessCpuMs(stat)).toBe((123 + 45) * 10)
  })

  it('groups processes by what they run: services by name, servers by binary, the bench itself apart', () => {
    expect(processGroup('/usr/bin/node\0--import\0tsx\0scripts/start-service.ts\0payment\0', 10, 1)).toBe('service:payment')
    expect(processGroup('postgres: 15/main: postgres e2e_order 127.0.0.1(5555) idle', 10, 1)).toBe('postgresql')
    expect(processGroup('/usr/lib/postgresql/15/bin/postgres\0-D\0/var/lib/postgresql/15/main\0', 10, 1)).toBe('postgresql')
    expect(processGroup('/usr/lib/erlang/erts-13.2/bin/beam.smp\0-W\0w\0', 10, 1)).toBe('rabbitmq')
    expect(processGroup('redis-server 127.0.0.1:6379', 10, 1)).toBe('redis')
    expect(processGroup('/usr/bin/node\0bench/run.ts\0', 7, 7)).toBe('load generator')
    expect(processGroup('/usr/bin/vim\0notes.md\0', 10, 1)).toBeUndefined()
  })

  it('charges a group what its processes spent between snapshots; the rest of the busy time is "other"', () => {
    const before: CpuSnapshot = {
      atMs: 0,
      machineBusyMs: 1_000,
      processes: new Map([
        [1, { group: 'postgresql', cpuMs: 500 }],
        [2, { group: 'service:order', cpuMs: 200 }],
        [3, { group: undefined, cpuMs: 50 }],
      ]),
    }
    const after: CpuSnapshot = {
      atMs: 10_000,
      machineBusyMs: 11_000,
      processes: new Map([
        [1, { group: 'postgresql', cpuMs: 4_500 }],
        [2, { group: 'service:order', cpuMs: 3_200 }],
        [3, { group: undefined, cpuMs: 550 }],
        // Started in between: counted from zero.
        [4, { group: 'postgresql', cpuMs: 1_000 }],
      ]),
    }
    const spent = cpuSpent(before, after)
    expect(spent).toEqual({ wallMs: 10_000, machineBusyMs: 10_000, groups: { postgresql: 5_000, 'service:order': 3_000, other: 2_000 } })
    expect(describeCpuPerOperation(spent, 100, 'order')).toBe('machine CPU 100 ms per order (postgresql 50, order 30, other 20)')
  })

  it('folds groups under 2% of the total into "other" and prints small figures with one decimal', () => {
    const spent = { wallMs: 1_000, machineBusyMs: 1_000, groups: { postgresql: 600, redis: 10, 'service:gateway': 300, other: 90 } }
    expect(describeCpuPerOperation(spent, 100, 'order')).toBe('machine CPU 10 ms per order (postgresql 6.0, gateway 3.0, other 1.0)')
  })

  it('on Linux, a snapshot sees the machine busy and this very process among the groups', () => {
    const snap = cpuSnapshot()
    if (process.platform !== 'linux') return expect(snap).toBeUndefined()
    expect(snap?.machineBusyMs).toBeGreaterThan(0)
    expect(snap?.processes.get(process.pid)?.group).toBe('load generator')
  })
})

describe('the load generator', () => {
  it('loads a loopback server answering compressed bodies without keeping them as text, every answer counted', async () => {
    // a brotli page is bytes, not UTF-8: decoding each as text cost the generator more CPU than the gateway's work
    const body = randomBytes(3000)
    let served = 0
    const server = createServer((_req, res) => {
      served++
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'br', 'content-length': body.length }).end(body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
      const ctx = { durationSec: 1, warmupSec: 0, connections: 4, pipelining: 1 } as never
      const r = await loadTest(ctx, { url })
      expect(r.errors).toBe(0)
      expect(r.requestsPerSec).toBeGreaterThan(0)
      // every answer the server sent was read to its end (a request is answered only after the whole body)
      expect(served).toBeGreaterThanOrEqual(Math.round(r.requestsPerSec))
      const Queue = createRequire(import.meta.url)('autocannon/lib/pipelinedRequestsQueue.js') as new () => {
        insertRequest(req: unknown): void
        addBody(data: Buffer): void
        peek(): { body: string }
      }
      const queue = new Queue()
      queue.insertRequest({})
      queue.addBody(body)
      expect(queue.peek().body).toBe('')
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('refuses to load anything but loopback', async () => {
    await expect(loadTest({ durationSec: 1, warmupSec: 0, connections: 1, pipelining: 1 } as never, { url: 'http://192.0.2.1/' })).rejects.toThrow(/loopback only/)
  })
})
