import { spawn, spawnSync } from 'node:child_process'
import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { percentile } from './result.ts'
import type { Result } from './types.ts'

/** True when a `pgbench` binary is on PATH. */
export function pgbenchAvailable(): boolean {
  const r = spawnSync('pgbench', ['--version'], { stdio: 'ignore' })
  return r.status === 0
}

/** pgbench's connection arguments and environment for a postgres:// URL and database. */
export function pgbenchConnection(serverUrl: string, database: string): { args: string[]; env: Record<string, string> } {
  const u = new URL(serverUrl)
  const args = ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')]
  const env: Record<string, string> = u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}
  return { args: [...args, database], env }
}

export interface PgbenchSummary {
  tps: number
  latencyAvgMs: number
  transactions: number
  failed: number
}

/** Reads tps, latency average, processed and failed transactions from pgbench's report. */
export function parsePgbenchSummary(stdout: string): PgbenchSummary {
  const num = (re: RegExp, what: string, fallback?: number) => {
    const m = stdout.match(re)
    if (m) return Number(m[1])
    if (fallback !== undefined) return fallback
    throw new Error(`pgbench output has no ${what}`)
  }
  return {
    tps: num(/^tps = ([\d.]+)/m, 'tps'),
    latencyAvgMs: num(/^latency average = ([\d.]+) ms/m, 'latency average'),
    transactions: num(/^number of transactions actually processed: (\d+)/m, 'transaction count'),
    // Older pgbench versions do not report failures.
    failed: num(/^number of failed transactions: (\d+)/m, 'failed transactions', 0),
  }
}

/**
 * Per-transaction latencies (ms) from pgbench `-l` log lines:
 * `client_id transaction_no time_us script_no epoch epoch_us`; failed or skipped
 * transactions carry a word instead of a time and are left out.
 */
export function parsePgbenchLog(text: string): number[] {
  const out: number[] = []
  for (const line of text.split('\n')) {
    const us = line.split(' ')[2]
    if (us !== undefined && /^\d+$/.test(us)) out.push(Number(us) / 1000)
  }
  return out
}

function exec(args: string[], env: Record<string, string>, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('pgbench', args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.once('error', reject)
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`pgbench ${args[0]} exited ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`)),
    )
  })
}

/** `pgbench -i -s <scale>` into an existing, empty database. */
export async function pgbenchInit(serverUrl: string, database: string, scale: number, cwd: string): Promise<void> {
  const conn = pgbenchConnection(serverUrl, database)
  await exec(['-i', '-q', '-s', String(scale), ...conn.args], conn.env, cwd)
}

/** Runs TPC-B for durationSec and returns tps plus percentiles from the per-transaction log. */
export async function pgbenchRun(
  serverUrl: string,
  database: string,
  opts: { clients: number; threads: number; durationSec: number; logDir: string },
): Promise<Result & { latencyAvgMs: number }> {
  const conn = pgbenchConnection(serverUrl, database)
  const prefix = `pgbench_log_${process.pid}`
  const args = ['-c', String(opts.clients), '-j', String(opts.threads), '-T', String(opts.durationSec), '-l', `--log-prefix=${prefix}`]
  const summary = parsePgbenchSummary(await exec([...args, ...conn.args], conn.env, opts.logDir))
  const logs = (await readdir(opts.logDir)).filter((f) => f.startsWith(prefix))
  const latencies: number[] = []
  for (const f of logs) {
    for (const ms of parsePgbenchLog(await readFile(join(opts.logDir, f), 'utf8'))) latencies.push(ms)
    await rm(join(opts.logDir, f), { force: true })
  }
  const sorted = Float64Array.from(latencies).sort()
  return {
    requestsPerSec: summary.tps,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    errors: summary.failed,
    total: summary.transactions,
    latencyAvgMs: summary.latencyAvgMs,
  }
}
