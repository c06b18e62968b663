import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

export interface ChildServer {
  port: number
  /** `http://127.0.0.1:<port>` */
  url: string
  pid: number
  /** SIGTERM, then SIGKILL if it has not exited within 5 s. */
  stop(): Promise<void>
}

const running = new Set<ChildProcess>()
// A harness that dies (Ctrl-C, crash) must not leave servers holding ports.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/**
 * Starts a TypeScript server script in its own Node process (tsx loader), so the load
 * generator and the server never share an event loop. The script must print a line
 * `{"port": <n>}` on stdout once it listens; anything else it prints is passed through
 * to stderr.
 */
export function startChildServer(
  script: string,
  opts: { cwd: string; env?: Record<string, string>; args?: string[]; startTimeoutMs?: number },
): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...(opts.args ?? [])], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  running.add(child)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.once('exit', () => running.delete(child))

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }

  return new Promise((resolve, reject) => {
    let settled = false
    const fail = (err: Error) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      void stop().then(() => reject(err))
    }
    const timer = setTimeout(() => fail(new Error(`${script} did not report a port within ${opts.startTimeoutMs ?? 30_000} ms`)), opts.startTimeoutMs ?? 30_000)
    child.once('error', fail)
    child.once('exit', (code, signal) => fail(new Error(`${script} exited (${signal ?? code}) before listening`)))
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!settled) {
        try {
          const msg = JSON.parse(line) as { port?: unknown }
          if (typeof msg.port === 'number') {
            settled = true
            clearTimeout(timer)
            resolve({ port: msg.port, url: `http://127.0.0.1:${msg.port}`, pid: child.pid!, stop })
            return
          }
        } catch {}
      }
      process.stderr.write(`${line}\n`)
    })
  })
}
