import { execFile, execFileSync } from 'node:child_process'
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { until } from '../e2e/client.ts'
import { type Daemon, ROOT, startDaemon, tempDir } from './support.ts'

// deploy/backup (distributed mode): a throwaway PostgreSQL cluster made here (initdb as
// the postgres user, Unix socket only, WAL archiving as postgresql-archiving.conf says),
// a base backup with pg-base-backup.sh, more commits, then pg-restore-to-time.sh to a
// moment between them: the restored server has exactly the rows committed before it.

const run = promisify(execFile)
const BIN = join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))[0], 'bin')
const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }))
const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }))
const env = { ...process.env, PATH: `${BIN}:${process.env.PATH}` }

const dir = tempDir('ops-pitr')
const sock = join(dir.path, 'sock')
const archive = join(dir.path, 'wal-archive')
const data = join(dir.path, 'data')
const restored = join(dir.path, 'restored')
const base = join(dir.path, 'base')
const daemons: Daemon[] = []

function postgresOwned(path: string): void {
  mkdirSync(path, { recursive: true })
  chownSync(path, uid, gid)
  chmodSync(path, 0o700)
}

function startServer(pgdata: string): Daemon {
  const d = startDaemon(join(BIN, 'postgres'), ['-D', pgdata], { uid, gid, cwd: dir.path, env })
  daemons.push(d)
  return d
}

async function connect(server: Daemon): Promise<pg.Client> {
  return until('the throwaway server accepts connections', async () => {
    if (server.proc.exitCode !== null) throw new Error(`postgres exited: ${server.output()}`)
    const client = new pg.Client({ host: sock, user: 'postgres', database: 'postgres' })
    try {
      await client.connect()
      return client
    } catch (err) {
      await client.end().catch(() => {})
      throw err
    }
  }, 60_000)
}

const insert = (db: pg.Client, from: number, to: number) =>
  db.query('INSERT INTO orders (id) SELECT g FROM generate_series($1::int, $2::int) g', [from, to])

describe('point-in-time recovery of a PostgreSQL server', () => {
  let target: string

  beforeAll(async () => {
    chmodSync(dir.path, 0o755)
    mkdirSync(sock)
    chmodSync(sock, 0o777)
    postgresOwned(archive)
    postgresOwned(data)
    execFileSync(join(BIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-instructions'], { uid, gid, cwd: dir.path, stdio: 'pipe' })
    // The archiving the runbook prescribes, with this test's archive; no TCP at all.
    const archiving = readFileSync(join(ROOT, 'deploy/backup/postgresql-archiving.conf'), 'utf8').replaceAll('/var/lib/postgresql/wal-archive', archive)
    appendFileSync(data + '/postgresql.conf', `\n${archiving}\nlisten_addresses = ''\nunix_socket_directories = '${sock}'\n`)
    const server = startServer(data)
    const db = await connect(server)
    try {
      await db.query('CREATE TABLE orders (id int PRIMARY KEY)')
      await insert(db, 1, 50)
      await run(join(ROOT, 'deploy/backup/pg-base-backup.sh'), [base, '-h', sock, '-U', 'postgres'], { env })
      for (let i = 51; i <= 100; i += 10) await insert(db, i, i + 9)
      target = (await db.query<{ t: string }>('SELECT clock_timestamp()::text AS t')).rows[0].t
      for (let i = 101; i <= 150; i += 10) await insert(db, i, i + 9)
      // Close the WAL segment holding the last commits, so that it reaches the archive.
      const { rows } = await db.query<{ segment: string }>('SELECT pg_walfile_name(pg_switch_wal()) AS segment')
      await until(`segment ${rows[0].segment} archived`, async () => existsSync(join(archive, rows[0].segment)), 60_000)
    } finally {
      await db.end()
    }
    await server.stop('SIGINT')
  }, 300_000)

  afterAll(async () => {
    for (const d of daemons) await d.stop('SIGINT')
    dir.remove()
  })

  it('restores exactly the rows committed before the target time', async () => {
    const out = await run(join(ROOT, 'deploy/backup/pg-restore-to-time.sh'), [base, archive, target, restored], { env })
    expect(out.stdout).toContain(`restored into ${restored}`)
    const server = startServer(restored)
    const db = await connect(server)
    try {
      await until('recovery finished and promoted', async () => (await db.query('SELECT pg_is_in_recovery() AS r')).rows[0].r === false, 60_000)
      const { rows } = await db.query<{ n: number; lo: number; hi: number }>('SELECT count(*)::int AS n, min(id) AS lo, max(id) AS hi FROM orders')
      expect(rows[0]).toEqual({ n: 100, lo: 1, hi: 100 })
      // Promoted: it takes writes again.
      await insert(db, 1000, 1000)
    } finally {
      await db.end()
    }
  })

  it('refuses to restore over a directory that holds data', async () => {
    await expect(run(join(ROOT, 'deploy/backup/pg-restore-to-time.sh'), [base, archive, target, restored], { env })).rejects.toThrow(/is not empty/)
  })
})
