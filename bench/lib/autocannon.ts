import autocannon from 'autocannon'
import { toResult } from './result.ts'
import type { BenchContext, Result } from './types.ts'

export interface LoadOptions {
  /** Must be a loopback URL: the harness never loads another machine. */
  url: string
  method?: autocannon.Request['method']
  headers?: Record<string, string>
  body?: string
  /** A sequence of requests each connection cycles through (autocannon `requests`). */
  requests?: autocannon.Request[]
  /** Defaults from the context: durationSec, warmupSec, connections, pipelining. */
  durationSec?: number
  warmupSec?: number
  connections?: number
  pipelining?: number
}

function assertLoopback(url: string): void {
  const host = new URL(url).hostname
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') {
    throw new Error(`benchmarks load loopback only, not ${host}`)
  }
}

function once(opts: autocannon.Options, latencies?: number[]): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err, res) => (err ? reject(err) : resolve(res)))
    if (latencies) {
      instance.on('response', (_client, status, _bytes, ms) => {
        // Same rule as autocannon's histogram: only successful answers have a latency.
        if (status >= 200 && status < 300) latencies.push(ms)
      })
    }
  })
}

/** Warms up, then loads the URL for the measured window and returns its Result. */
export async function loadTest(ctx: BenchContext, opts: LoadOptions): Promise<Result> {
  assertLoopback(opts.url)
  const base: autocannon.Options = {
    url: opts.url,
    connections: opts.connections ?? ctx.connections,
    pipelining: opts.pipelining ?? ctx.pipelining,
    timeout: 10,
  }
  // autocannon treats a key set to undefined as a value, so only set what was given.
  if (opts.method) base.method = opts.method
  if (opts.headers) base.headers = opts.headers
  if (opts.body !== undefined) base.body = opts.body
  if (opts.requests) base.requests = opts.requests
  const warmup = opts.warmupSec ?? ctx.warmupSec
  if (warmup > 0) await once({ ...base, duration: warmup })
  const latencies: number[] = []
  const res = await once({ ...base, duration: opts.durationSec ?? ctx.durationSec }, latencies)
  return toResult(res, latencies)
}
