import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/**
 * The runners as a person starts them (`npm start`, `npm run start:distributed`, the
 * container's command), each in a process group of its own as a terminal's foreground
 * job is, so a test can signal the whole group the way Ctrl-C does, or only npm.
 */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface Run {
  child: ChildProcess
  /** Everything the run printed so far, stdout and stderr interleaved. */
  output(): string
  /** Resolves once the output matches; rejects if the run ends first or `timeoutMs` passes. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>
  /** Resolves when every process that held the run's stdout and stderr has exited. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Signals the run's whole process group (Ctrl-C in a terminal). */
  signalGroup(signal: NodeJS.Signals): void
}

export function run(command: string, args: string[], env: Record<string, string | undefined>): Run {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const waiters = new Set<() => void>()
  const take = (chunk: Buffer) => {
    out += chunk.toString()
    for (const w of waiters) w()
  }
  child.stdout?.on('data', take)
  child.stderr?.on('data', take)
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => {
      for (const w of waiters) w()
      resolve({ code, signal })
    })
  })
  let ended = false
  void closed.then(() => {
    ended = true
  })
  return {
    child,
    output: () => out,
    closed,
    signalGroup: (signal) => process.kill(-child.pid!, signal),
    waitFor(pattern, timeoutMs = 120_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(out)) done()
          else if (ended || child.exitCode !== null) done(new Error(`the run ended before printing ${pattern}:\n${out.slice(-4000)}`))
        }
        const timer = setTimeout(() => done(new Error(`no ${pattern} within ${timeoutMs} ms:\n${out.slice(-4000)}`)), timeoutMs)
        const done = (err?: Error) => {
          clearTimeout(timer)
          waiters.delete(check)
          if (err) reject(err)
          else resolve()
        }
        waiters.add(check)
        check()
      })
    },
  }
}

/** Ends whatever is left of a run's group (a test that failed half way). */
export async function killGroup(r: Run | undefined): Promise<void> {
  if (!r) return
  try {
    process.kill(-r.child.pid!, 'SIGKILL')
  } catch {
    // already gone
  }
  await r.closed
}
