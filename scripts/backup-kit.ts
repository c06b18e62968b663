import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { embeddedPgDir } from '@shop/platform/embedded-postgres'

/**
 * What `npm run backup` and `npm run restore` share: where the embedded shop keeps its
 * data, whether its PostgreSQL is running, and the backup file's layout. A backup file
 * is a gzip'd tar of `manifest.json`, `secrets.json` (when the shop made one) and `pg/`,
 * a copy of the embedded PostgreSQL cluster that starts consistent on its own.
 */

export const FORMAT = 'shop-embedded-backup'
export const FORMAT_VERSION = 1

export interface Manifest {
  format: typeof FORMAT
  version: number
  createdAt: string
  /** Whether the shop was running: the copy then came from pg_backup_start/stop and replays its WAL at first start. */
  whileRunning: boolean
  postgresVersion: string
  secrets: boolean
}

export function dataDirs(): { dataDir: string; pgDir: string; secretsFile: string } {
  const dataDir = resolve(process.env.SHOP_DATA_DIR ?? '.data')
  return { dataDir, pgDir: embeddedPgDir(dataDir), secretsFile: join(dataDir, 'secrets.json') }
}

/** The port of the embedded server running on pgDir, or null when none runs there. */
export function runningPort(pgDir: string): number | null {
  const pidFile = join(pgDir, 'postmaster.pid')
  if (!existsSync(pidFile)) return null
  const lines = readFileSync(pidFile, 'utf8').split('\n')
  const pid = Number.parseInt(lines[0] ?? '', 10)
  try {
    process.kill(pid, 0)
  } catch {
    return null
  }
  // A pid reused by another program after a crash is not our server.
  if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres')) return null
  return Number.parseInt(lines[3] ?? '', 10)
}

/** The owner the embedded server runs as: `postgres` when we are root (embedded-postgres does so), else us. */
export function clusterOwner(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim())
  return { uid: id('-u'), gid: id('-g') }
}

export function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`)
  process.exit(code)
}
