import { createRequire } from 'node:module'
import autocannon from 'autocannon'
import { toResult } from './result.ts'
import type { BenchContext, Result } from './types.ts'

/**
 * autocannon keeps every response's body as a string (`body += chunk`, a UTF-8 decode of each
 * chunk) for its expectBody / verifyBody / per-request onResponse options, which this harness
 * never uses. Decoding a brotli-compressed page as text is the slow path of UTF-8 decoding: it
 * took 62% of the load generator's CPU on the server-rendered page (about 36 µs per request,
 * against 13 µs for its whole work on raw-fastify's tiny JSON), CPU taken from the server under
 * test on a 2-core machine. Bodies are still read and their bytes counted; they are just not
 * decoded. Set BENCH_DECODE_BODIES=1 to measure with autocannon's own behaviour.
 */
if (process.env.BENCH_DECODE_BODIES !== '1') {
  const queue = createRequire(import.meta.url)('autocannon/lib/pipelinedRequestsQueue.js') as { prototype: { addBody(data: Buffer): void } }
  queue.prototype.addBody = () => {}
}

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
