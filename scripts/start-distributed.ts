import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { PROCESSES, type ProcessName } from '@shop/platform/runtime'

// `npm run start:distributed`: every service in its own process against PG_URL,
// AMQP_URL and REDIS_URL (defaults: the local servers). A child that dies is restarted
// after a pause; SIGTERM/SIGINT stop them all gracefully.
const script = fileURLToPath(new URL('./start-service.ts', import.meta.url))
const children = new Map<ProcessName, ChildProcess>()
let stopping = false

function launch(name: ProcessName): void {
  const child = spawn(process.execPath, ['--import', 'tsx', script, name], { stdio: 'inherit', env: process.env })
  children.set(name, child)
  child.on('exit', (code, signal) => {
    children.delete(name)
    if (stopping) {
      if (children.size === 0) process.exit(0)
      return
    }
    process.stderr.write(`[distributed] ${name} exited (${signal ?? code}); restarting in 2s\n`)
    setTimeout(() => !stopping && launch(name), 2000).unref()
  })
}

function stopAll(signal: NodeJS.Signals): void {
  if (stopping) return
  stopping = true
  for (const child of children.values()) child.kill(signal)
  if (children.size === 0) process.exit(0)
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL')
    process.exit(1)
  }, 15_000).unref()
}

process.on('SIGTERM', () => stopAll('SIGTERM'))
process.on('SIGINT', () => stopAll('SIGTERM'))
for (const name of ['auth', 'product', 'shipping', 'order', 'payment', 'gateway'] as ProcessName[]) {
  if (PROCESSES.includes(name)) launch(name)
}
