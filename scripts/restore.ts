import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startEmbeddedPostgres } from '@shop/platform/embedded-postgres'
import pg from 'pg'
import { clusterOwner, dataDirs, fail, FORMAT, type Manifest } from './backup-kit.ts'

// `npm run restore -- <file>`: a backup made by `npm run backup` into SHOP_DATA_DIR
// (default .data), which must hold no embedded database yet: a restore never overwrites
// data. Starts the restored database once to check it (a backup taken while the shop ran
// replays its WAL then), lists its databases and stops it; `npm start` then serves it.

const { positionals } = parseArgs({ allowPositionals: true })
if (!positionals[0]) fail('usage: npm run restore -- <backup file>', 2)
const file = resolve(positionals[0])
if (!existsSync(file)) fail(`${file} not found`)
const { dataDir, pgDir, secretsFile } = dataDirs()
if (existsSync(pgDir) && readdirSync(pgDir).length > 0) fail(`${pgDir} already holds a database; restore into a fresh SHOP_DATA_DIR (or move ${dataDir} away first)`)
if (existsSync(secretsFile)) fail(`${secretsFile} exists; restore into a fresh SHOP_DATA_DIR (or move ${dataDir} away first)`)

const freePort = () =>
  new Promise<number>((ok, ko) => {
    const srv = createServer().once('error', ko)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => ok(port))
    })
  })

const staging = mkdtempSync(join(tmpdir(), 'shop-restore-'))
let copied = false
try {
  execFileSync('tar', ['-xzf', file, '-C', staging])
  const manifestFile = join(staging, 'manifest.json')
  const manifest = existsSync(manifestFile) ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest) : null
  if (manifest?.format !== FORMAT) throw new Error(`${file} is not a backup made by npm run backup`)

  mkdirSync(dataDir, { recursive: true })
  if (manifest.secrets) {
    copyFileSync(join(staging, 'secrets.json'), secretsFile)
    chmodSync(secretsFile, 0o600)
  }
  mkdirSync(dirname(pgDir), { recursive: true })
  rmSync(pgDir, { recursive: true, force: true })
  execFileSync('cp', ['-a', join(staging, 'pg'), pgDir])
  copied = true
  chmodSync(pgDir, 0o700)
  const owner = clusterOwner()
  if (owner) execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, pgDir])

  const server = await startEmbeddedPostgres({ dataDir, port: await freePort() })
  try {
    const client = new pg.Client({ connectionString: server.url })
    await client.connect()
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'shop\\_%' ORDER BY datname")
    await client.end()
    process.stdout.write(
      `restored ${file} (taken ${manifest.createdAt}, shop ${manifest.whileRunning ? 'running' : 'stopped'}) into ${dataDir}\n` +
        `databases: ${rows.map((r) => r.datname).join(', ') || '(none)'}\n` +
        `start it with: SHOP_DATA_DIR=${dataDir} npm start\n`,
    )
  } finally {
    await server.stop()
  }
} catch (err) {
  // Leave no half-restored database behind to be mistaken for a good one.
  if (copied) rmSync(pgDir, { recursive: true, force: true })
  fail(`restore failed: ${(err as Error).message}`)
} finally {
  rmSync(staging, { recursive: true, force: true })
}
// Exit now: embedded-postgres' exit hook, left for a crash, would otherwise run at the
// natural end of the process without its callback and fail it.
process.exit(0)
