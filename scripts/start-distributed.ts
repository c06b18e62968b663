import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { CONFIG_ERROR_EXIT } from '@shop/platform/config'
import type { ProcessName } from '@shop/platform/runtime'

// `npm run start:distributed`: every service in its own process against PG_URL,
// AMQP_URL and REDIS_URL (defaults: the local servers).
// - A process that cannot start (a bad setting, a port in use, a server it cannot
//   reach) stops the whole runner with its message and a non-zero exit: restarting it
//   would only print the same error forever.
// - A process that crashes after it started is restarted, after 1 s, then 2, 4 … up
//   to 30 s while it keeps crashing soon after each start.
// - SIGTERM/SIGINT stop every process gracefully (Ctrl-C reaches them directly too).
const script = fileURLToPath(new URL('./start-service.ts', import.meta.url))
const ORDER: ProcessName[] = ['auth', 'product', 'shipping', 'order', 'payment', 'gateway']
const FIRST_DELAY_MS = 1000
const MAX_DELAY_MS = 30_000
/** A process that stayed up this long before crashing starts its backoff over. */
const STABLE_MS = 60_000
const FORCE_EXIT_MS = 15_000

interface Supervised {
  child?: ChildProcess
  /** Whether this process has ever reported that it listens. */
  everReady: boolean
  readyAt?: number
  delayMs: number
}

const procs = new Map<ProcessName, Supervised>(ORDER.map((n) => [n, { everReady: false, delayMs: FIRST_DELAY_MS }]))
let stopping = false
let exitCode = 0

const say = (line: string) => process.stderr.write(`[distributed] ${line}\n`)

/**
 * The services believe the client address the gateway forwards (their per-IP limits
 * count shoppers, not the gateway) and nobody else's: on this machine the gateway
 * reaches them from 127.0.0.1. The gateway itself keeps the TRUST_PROXY it was given
 * (the proxies in front of it, if any).
 */
function envFor(name: ProcessName): NodeJS.ProcessEnv {
  return name === 'gateway' ? process.env : { ...process.env, TRUST_PROXY: '127.0.0.1' }
}

function launch(name: ProcessName): void {
  const p = procs.get(name)!
  const child = spawn(process.execPath, ['--import', 'tsx', script, name], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: envFor(name),
  })
  p.child = child
  p.readyAt = undefined
  child.on('message', (m: unknown) => {
    if ((m as { shop?: string })?.shop !== 'ready') return
    p.everReady = true
    p.readyAt = Date.now()
    say(`${name} ready (pid ${child.pid})`)
  })
  child.on('exit', (code, signal) => onExit(name, child, code, signal))
}

function onExit(name: ProcessName, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
  const p = procs.get(name)!
  if (p.child === child) p.child = undefined
  const how = signal ?? `code ${code}`
  if (stopping) {
    // A process still loading when the stop came ends by the signal itself; that is a stop too.
    if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGINT') exitCode = 1
    if (running() === 0) process.exit(exitCode)
    return
  }
  if (code === CONFIG_ERROR_EXIT || !p.everReady) {
    const why = code === CONFIG_ERROR_EXIT ? 'its configuration is wrong (above)' : 'it never started (above)'
    say(`${name} exited (${how}): ${why}; stopping every process`)
    stopAll('SIGTERM', code === CONFIG_ERROR_EXIT ? CONFIG_ERROR_EXIT : 1)
    return
  }
  if (p.readyAt !== undefined && Date.now() - p.readyAt >= STABLE_MS) p.delayMs = FIRST_DELAY_MS
  const delay = p.delayMs
  p.delayMs = Math.min(MAX_DELAY_MS, p.delayMs * 2)
  say(`${name} exited (${how}) after it had started; restarting in ${delay / 1000}s`)
  setTimeout(() => !stopping && launch(name), delay).unref()
}

const running = () => [...procs.values()].filter((p) => p.child).length

function stopAll(signal: NodeJS.Signals, code = 0): void {
  if (stopping) return
  stopping = true
  exitCode = code
  for (const p of procs.values()) p.child?.kill(signal)
  if (running() === 0) process.exit(exitCode)
  setTimeout(() => {
    say(`processes still running after ${FORCE_EXIT_MS / 1000}s: killing them`)
    for (const p of procs.values()) p.child?.kill('SIGKILL')
    process.exit(1)
  }, FORCE_EXIT_MS).unref()
}

process.on('SIGTERM', () => stopAll('SIGTERM'))
process.on('SIGINT', () => stopAll('SIGTERM'))
for (const name of ORDER) launch(name)
