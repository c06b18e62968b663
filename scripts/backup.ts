import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
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

/**
 * Copies the cluster but its WAL and pid file, keeping owners and modes. A running server
 * creates and removes files meanwhile: GNU tar's status 1 ("file changed or vanished as
 * it was read") is expected then, and the WAL replay at first start makes up for it.
 */
function copyCluster(): void {
  mkdirSync(copy, { mode: 0o700 })
  execFileSync('bash', ['-c', [
    'set -o pipefail',
    'tar -C "$1" --exclude=./pg_wal/0* --exclude=./postmaster.pid --exclude=./postmaster.opts --warning=no-file-changed --warning=no-file-removed -cf - . | tar -C "$2" -xpf -',
    'status=$?; [ "$status" -le 1 ] || exit "$status"',
  ].join('\n'), 'copy-cluster', pgDir, copy], { stdio: ['ignore', 'ignore', 'pipe'] })
}

/** The WAL segments and history files (pg_wal's subdirectories came with the cluster). */
function copyWal(): void {
  for (const entry of readdirSync(join(pgDir, 'pg_wal'), { withFileTypes: true })) {
    if (!entry.isFile()) continue
    try {
      copyFileSync(join(pgDir, 'pg_wal', entry.name), join(copy, 'pg_wal', entry.name))
    } catch (err) {
      // A segment the slot does not hold may be recycled as we go: not one the copy needs.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
}

try {
  const port = runningPort(pgDir)
  if (port === null) {
    copyCluster()
    copyWal()
  } else {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: EMBEDDED_PG_PASSWORD, database: 'postgres' })
    await client.connect()
    try {
      // A temporary slot keeps every WAL segment from here on until this session ends,
      // so no checkpoint recycles one the copy needs.
      await client.query('SELECT pg_create_physical_replication_slot($1, true, true)', [`shop_backup_${process.pid}`])
      await client.query("SELECT pg_backup_start('npm run backup', true)")
      copyCluster()
      const { rows } = await client.query<{ labelfile: string; spcmapfile: string | null }>('SELECT labelfile, spcmapfile FROM pg_backup_stop(false)')
      // The WAL from the backup's start to its end, copied now that the end is written.
      copyWal()
      writeFileSync(join(copy, 'backup_label'), rows[0].labelfile)
      if (rows[0].spcmapfile) writeFileSync(join(copy, 'tablespace_map'), rows[0].spcmapfile)
    } finally {
      await client.end()
    }
  }

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
