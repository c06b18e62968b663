import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { EMBEDDED_PG_PASSWORD } from '@shop/platform/embedded-postgres'
import pg from 'pg'
import { dataDirs, fail, FORMAT, FORMAT_VERSION, type Manifest, runningPort } from './backup-kit.ts'

// `npm run backup [-- <file>]`: the embedded shop (SHOP_DATA_DIR, default .data) into
// one file: every service's database and the secrets that open them. The shop may be
// stopped or running; running, the copy is an online base backup (pg_backup_start/stop
// plus the WAL written meanwhile), which starts consistent on its own.
// `npm run restore -- <file>` puts it back into a fresh SHOP_DATA_DIR.

const { positionals } = parseArgs({ allowPositionals: true })
const file = resolve(positionals[0] ?? `shop-backup-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}.tar.gz`)
const { dataDir, pgDir, secretsFile } = dataDirs()
if (!existsSync(join(pgDir, 'PG_VERSION'))) fail(`no embedded database under ${dataDir} (SHOP_DATA_DIR); nothing to back up`)
if (existsSync(file)) fail(`${file} exists; name a new file`)

const staging = mkdtempSync(join(tmpdir(), 'shop-backup-'))
const copy = join(staging, 'pg')
// cp -a keeps the owner and modes PostgreSQL insists on.
const cp = (from: string, to: string) => execFileSync('cp', ['-a', from, to])
const emptyWal = () => {
  for (const f of readdirSync(join(copy, 'pg_wal'))) if (f !== 'archive_status') rmSync(join(copy, 'pg_wal', f), { recursive: true, force: true })
}

try {
  const port = runningPort(pgDir)
  if (port === null) {
    cp(pgDir, copy)
  } else {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: EMBEDDED_PG_PASSWORD, database: 'postgres' })
    await client.connect()
    try {
      // A temporary slot keeps every WAL segment from here on until this session ends,
      // so no checkpoint recycles one the copy needs.
      await client.query('SELECT pg_create_physical_replication_slot($1, true, true)', [`shop_backup_${process.pid}`])
      await client.query("SELECT pg_backup_start('npm run backup', true)")
      cp(pgDir, copy)
      const { rows } = await client.query<{ labelfile: string; spcmapfile: string | null }>('SELECT labelfile, spcmapfile FROM pg_backup_stop(false)')
      // The WAL from the backup's start to its end, copied now that the end is written.
      emptyWal()
      for (const f of readdirSync(join(pgDir, 'pg_wal'))) if (f !== 'archive_status') cp(join(pgDir, 'pg_wal', f), join(copy, 'pg_wal', f))
      writeFileSync(join(copy, 'backup_label'), rows[0].labelfile)
      if (rows[0].spcmapfile) writeFileSync(join(copy, 'tablespace_map'), rows[0].spcmapfile)
    } finally {
      await client.end()
    }
  }
  for (const f of ['postmaster.pid', 'postmaster.opts']) rmSync(join(copy, f), { force: true })

  const manifest: Manifest = {
    format: FORMAT,
    version: FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    whileRunning: port !== null,
    postgresVersion: readFileSync(join(pgDir, 'PG_VERSION'), 'utf8').trim(),
    secrets: existsSync(secretsFile),
  }
  writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  if (manifest.secrets) copyFileSync(secretsFile, join(staging, 'secrets.json'))
  execFileSync('tar', ['-czf', file, '-C', staging, '.'])
  // It holds the secrets that decrypt customers' personal data.
  chmodSync(file, 0o600)
  const mb = (statSync(file).size / 1024 / 1024).toFixed(1)
  process.stdout.write(
    `backup of ${dataDir} (${manifest.whileRunning ? 'shop running' : 'shop stopped'}) written to ${file} (${mb} MiB)\n` +
      (manifest.secrets ? '' : 'note: no secrets.json under SHOP_DATA_DIR: keep the JWT_PRIVATE_KEY and PII_ENCRYPTION_KEYS you run with\n'),
  )
} catch (err) {
  rmSync(file, { force: true })
  fail(`backup failed: ${(err as Error).message}`)
} finally {
  rmSync(staging, { recursive: true, force: true })
}
