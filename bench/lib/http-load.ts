import { performance } from 'node:perf_hooks'
import { type Dispatcher, Pool } from 'undici'
import { percentile } from './result.ts'
import type { Result } from './types.ts'

/**
 * Load shapes autocannon does not offer: an open loop at a steady arrival rate (autocannon's
 * `overallRate` lets each connection fire its per-second quota back to back at the start
 * of every second, so it measures bursts at full concurrency, not a steady rate), closed
 * loops whose every request is built on the fly and labelled with a kind, and timed JSON
 * calls for multi-step virtual users. Everything goes through one undici Pool per origin.
 */

export interface HttpRequest {
  method?: Dispatcher.HttpMethod
  /** Path and query, e.g. `/v1/products?q=...` */
  path: string
  headers?: Record<string, string>
  body?: string
  /** Label for per-kind percentiles. */
  kind?: string
}

export interface Sample {
  kind: string
  ms: number
  /** HTTP status, 0 for a connection error or timeout. */
  status: number
}

export interface LoadRecord {
  samples: Sample[]
  /** Wall time from the first request sent to the last answer received. */
  elapsedSec: number
}

const ok = (s: Sample) => s.status >= 200 && s.status < 300

/** An undici connection pool to a loopback origin; the caller closes it. */
export function loopbackPool(origin: string, connections: number): Pool {
  const host = new URL(origin).hostname
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') throw new Error(`benchmarks load loopback only, not ${host}`)
  return new Pool(origin, { connections, pipelining: 1, headersTimeout: 30_000, bodyTimeout: 30_000 })
}

/** Sends one request, reads the whole answer, and returns its status, parsed JSON body (null if none) and latency. */
export async function timedJson<T = unknown>(pool: Pool, req: HttpRequest): Promise<{ status: number; body: T | null; ms: number }> {
  const started = performance.now()
  try {
    const res = await pool.request({ method: req.method ?? 'GET', path: req.path, headers: req.headers, body: req.body })
    const text = await res.body.text()
    const ms = performance.now() - started
    let body: T | null = null
    try {
      body = text ? (JSON.parse(text) as T) : null
    } catch {}
    return { status: res.statusCode, body, ms }
  } catch {
    return { status: 0, body: null, ms: performance.now() - started }
  }
}

export interface FollowedStream {
  /** HTTP status, 0 for a connection error, a timeout or a stream that ended before `until` held. */
  status: number
  /** Events read, the last one included. */
  events: number
  ms: number
}

/**
 * Opens a server-sent event stream (`text/event-stream`) and reads it until `until(event,
 * data)` holds for an event, then closes it, as a browser's EventSource is closed once the
 * page has what it waited for. With `endsItself` the server was asked to end the stream at
 * that event (e.g. `until=settled`): the rest is read to the end of the answer, so the
 * connection goes back to the pool instead of being destroyed. A stream that ends before
 * `until` held, or outlives `timeoutMs`, is a failure.
 */
export async function followEvents(
  pool: Pool,
  req: HttpRequest,
  until: (event: string, data: string) => boolean,
  timeoutMs: number,
  opts: { endsItself?: boolean } = {},
): Promise<FollowedStream> {
  const started = performance.now()
  let events = 0
  let reached = false
  try {
    const res = await pool.request({
      method: 'GET',
      path: req.path,
      headers: { accept: 'text/event-stream', ...req.headers },
      signal: AbortSignal.timeout(timeoutMs),
    })
    if (res.statusCode !== 200) {
      await res.body.dump()
      return { status: res.statusCode, events, ms: performance.now() - started }
    }
    let buffered = ''
    for await (const chunk of res.body) {
      buffered += (chunk as Buffer).toString('utf8')
      for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
        const block = buffered.slice(0, end)
        buffered = buffered.slice(end + 2)
        let event = 'message'
        const data: string[] = []
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim()
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
        }
        if (data.length === 0) continue
        events++
        if (!reached && until(event, data.join('\n'))) {
          reached = true
          if (!opts.endsItself) {
            res.body.destroy()
            return { status: 200, events, ms: performance.now() - started }
          }
        }
      }
    }
    return { status: reached ? 200 : 0, events, ms: performance.now() - started }
  } catch {
    return { status: 0, events, ms: performance.now() - started }
  }
}

async function timed(pool: Pool, req: HttpRequest): Promise<Sample> {
  const started = performance.now()
  try {
    const res = await pool.request({ method: req.method ?? 'GET', path: req.path, headers: req.headers, body: req.body })
    await res.body.dump({ limit: Number.MAX_SAFE_INTEGER })
    return { kind: req.kind ?? '', ms: performance.now() - started, status: res.statusCode }
  } catch {
    return { kind: req.kind ?? '', ms: performance.now() - started, status: 0 }
  }
}

/**
 * Sends `rate` requests per second, evenly spread, for `durationSec`, whatever the
 * server's speed (open loop): latency is not hidden by the generator waiting for
 * answers. A request waiting for a free connection counts that wait as latency.
 */
export async function openLoop(
  pool: Pool,
  opts: { rate: number; durationSec: number; request: (i: number) => HttpRequest },
): Promise<LoadRecord> {
  const pending: Promise<Sample>[] = []
  const start = performance.now()
  const total = Math.round(opts.rate * opts.durationSec)
  await new Promise<void>((resolve) => {
    // A 1 ms timer: each tick sends every request whose slot has come, so the arrival
    // rate holds even when the timer runs late.
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * opts.rate) + 1)
      while (pending.length < due) pending.push(timed(pool, opts.request(pending.length)))
      if (pending.length >= total) {
        clearInterval(timer)
        resolve()
      }
    }, 1)
  })
  const samples = await Promise.all(pending)
  return { samples, elapsedSec: (performance.now() - start) / 1000 }
}

/** `connections` workers each send a request, wait for its answer, and go again until the time is up. */
export async function closedLoop(
  pool: Pool,
  opts: { connections: number; durationSec: number; request: (i: number) => HttpRequest },
): Promise<LoadRecord> {
  const samples: Sample[] = []
  const start = performance.now()
  const end = start + opts.durationSec * 1000
  let i = 0
  const worker = async () => {
    while (performance.now() < end) samples.push(await timed(pool, opts.request(i++)))
  }
  await Promise.all(Array.from({ length: opts.connections }, worker))
  return { samples, elapsedSec: (performance.now() - start) / 1000 }
}

/** p50/p95/p99 (ms) of a set of latencies; NaN when empty. */
export function percentiles(ms: number[]): { p50Ms: number; p95Ms: number; p99Ms: number } {
  const sorted = Float64Array.from(ms).sort()
  return { p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), p99Ms: percentile(sorted, 99) }
}

/** The latencies of the successful samples, optionally of one kind. */
export function okLatencies(record: LoadRecord, kind?: string): number[] {
  return record.samples.filter((s) => ok(s) && (kind === undefined || s.kind === kind)).map((s) => s.ms)
}

/** Several records (rounds of the same load) as one. */
export function mergeRecords(records: LoadRecord[]): LoadRecord {
  return { samples: records.flatMap((r) => r.samples), elapsedSec: records.reduce((t, r) => t + r.elapsedSec, 0) }
}

/** A Result from a record: every answer counts towards requests/s, only 2xx answers have a latency (autocannon's rule). */
export function recordResult(record: LoadRecord, notes?: string): Result {
  const total = record.samples.length
  return {
    requestsPerSec: record.elapsedSec > 0 ? total / record.elapsedSec : 0,
    ...percentiles(okLatencies(record)),
    errors: record.samples.filter((s) => !ok(s)).length,
    total,
    ...(notes ? { notes } : {}),
  }
}

/** The first non-2xx statuses seen, for a note that explains the errors column. */
export function errorSummary(record: LoadRecord): string {
  const counts = new Map<number, number>()
  for (const s of record.samples) if (!ok(s)) counts.set(s.status, (counts.get(s.status) ?? 0) + 1)
  return [...counts].map(([status, n]) => `${n}× ${status === 0 ? 'connection error' : status}`).join(', ')
}

/** `1.23` style milliseconds for notes. */
export const ms = (v: number): string => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v.toFixed(1)) : '—')
