import { spawn } from 'node:child_process'
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createLifecycle } from '../src/lifecycle.ts'
import { createLogger } from '../src/logger.ts'
import { createServer } from '../src/server.ts'

const logger = createLogger({ service: 'lifecycle-test', level: 'silent' })

/** A GET over a fresh connection; resolves with status and body, or rejects with the socket error. */
function get(port: number, path: string, agent?: import('node:http').Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: agent ?? false }, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('graceful shutdown of a listening server', () => {
  it('lets an in-flight request finish with 200, refuses new connections, and stops components in reverse order', async () => {
    const app = createServer({ service: 'lifecycle-test', logger })
    let entered!: () => void
    const inHandler = new Promise<void>((r) => (entered = r))
    app.get('/slow', async () => {
      entered()
      await new Promise((r) => setTimeout(r, 300))
      return { done: true }
    })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const port = (app.server.address() as AddressInfo).port

    // An idle keep-alive connection must not hold the shutdown up for its 72 s timeout.
    const keepAlive = new (await import('node:http')).Agent({ keepAlive: true })
    expect((await get(port, '/health', keepAlive)).status).toBe(200)

    const order: string[] = []
    const lifecycle = createLifecycle(logger)
    lifecycle.add('postgres pool', async () => void order.push('postgres pool'))
    lifecycle.add('outbox relay', async () => void order.push('outbox relay'))
    lifecycle.add('consumer', async () => void order.push('consumer'))
    lifecycle.add('http server', async () => {
      order.push('http server')
      await app.close()
    })

    const slow = get(port, '/slow')
    await inHandler
    const started = Date.now()
    const stopping = lifecycle.shutdown('test')
    expect(lifecycle.stopping).toBe(true)
    await new Promise((r) => setTimeout(r, 50))
    // Still draining the slow request, but the listening socket is already closed.
    await expect(get(port, '/health')).rejects.toMatchObject({ code: 'ECONNREFUSED' })

    expect(await slow).toEqual({ status: 200, body: JSON.stringify({ done: true }) })
    await stopping
    expect(Date.now() - started).toBeLessThan(3000)
    expect(order).toEqual(['http server', 'consumer', 'outbox relay', 'postgres pool'])
    await expect(get(port, '/health')).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    keepAlive.destroy()
  })
})

describe('createLifecycle', () => {
  it('runs the rest when one stop fails, and runs each stop once however often shutdown is called', async () => {
    const ran: string[] = []
    const lifecycle = createLifecycle(logger)
    lifecycle.add('a', async () => void ran.push('a'))
    lifecycle.add('b', async () => {
      ran.push('b')
      throw new Error('broker gone')
    })
    lifecycle.add('c', () => void ran.push('c'))
    await Promise.all([lifecycle.shutdown(), lifecycle.shutdown('again')])
    await lifecycle.shutdown()
    expect(ran).toEqual(['c', 'b', 'a'])
  })

  it('stops at once what registers after the shutdown has finished', async () => {
    const lifecycle = createLifecycle(logger)
    await lifecycle.shutdown()
    let stopped = false
    lifecycle.add('late worker', async () => {
      stopped = true
    })
    await new Promise((r) => setImmediate(r))
    expect(stopped).toBe(true)
  })
})

const root = fileURLToPath(new URL('../../../', import.meta.url))
const CHILD = `
import { createLifecycle } from './packages/platform/src/lifecycle.ts'
import { createLogger } from './packages/platform/src/logger.ts'
const lc = createLifecycle(createLogger({ service: 'child', level: 'silent' }))
const mode = process.env.MODE
lc.add('first', async () => { console.log('stop first') })
lc.add('second', async () => {
  console.log('stop second')
  if (mode === 'hang') await new Promise(() => {})
  if (mode === 'slow') await new Promise((r) => setTimeout(r, 20000))
  if (mode === 'brief') await new Promise((r) => setTimeout(r, 300))
})
lc.installSignalHandlers({ timeoutMs: Number(process.env.TIMEOUT_MS), repeatWindowMs: Number(process.env.REPEAT_MS) })
setInterval(() => {}, 1000)
console.log('ready')
`

/** Runs the script above in its own process, sends it signals, and reports how it ended. */
function runChild(
  mode: string,
  timeoutMs: number,
  signals: number,
  opts: { repeatWindowMs?: number; burst?: NodeJS.Signals[] } = {},
): Promise<{ code: number | null; out: string[]; ms: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      cwd: root,
      env: { ...process.env, MODE: mode, TIMEOUT_MS: String(timeoutMs), REPEAT_MS: String(opts.repeatWindowMs ?? 1000) },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const out: string[] = []
    let started = 0
    let sent = 0
    child.stdout.on('data', (chunk) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        out.push(line)
        if (line === 'ready' && opts.burst) {
          // One Ctrl-C as a terminal delivers it: the group's copy and npm's, back to back.
          started = Date.now()
          for (const signal of opts.burst) child.kill(signal)
        }
        const next = sent === 0 ? line === 'ready' : line === 'stop second'
        if (next && sent < signals) {
          if (sent === 0) started = Date.now()
          sent += 1
          child.kill('SIGTERM')
        }
      }
    })
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, out, ms: Date.now() - started }))
  })
}

describe('installSignalHandlers (in a child process)', () => {
  it('on SIGTERM runs the stops in reverse order and exits 0', async () => {
    const r = await runChild('ok', 5000, 1)
    expect(r.out).toEqual(['ready', 'stop second', 'stop first'])
    expect(r.code).toBe(0)
  })

  it('exits 1 when the graceful stop outlasts the timeout', async () => {
    const r = await runChild('hang', 300, 1)
    expect(r.out).toEqual(['ready', 'stop second'])
    expect(r.code).toBe(1)
    expect(r.ms).toBeGreaterThanOrEqual(250)
    expect(r.ms).toBeLessThan(5000)
  })

  it('when one Ctrl-C arrives three times within milliseconds, the stop still drains and exits 0', async () => {
    const r = await runChild('brief', 5000, 0, { burst: ['SIGINT', 'SIGINT', 'SIGTERM'] })
    expect(r.out).toEqual(['ready', 'stop second', 'stop first'])
    expect(r.code).toBe(0)
  })

  it('exits 1 at once on a deliberate second signal (after the repeat window)', async () => {
    const r = await runChild('slow', 15_000, 2, { repeatWindowMs: 0 })
    expect(r.out).toEqual(['ready', 'stop second'])
    expect(r.code).toBe(1)
    expect(r.ms).toBeLessThan(5000)
  })
})
