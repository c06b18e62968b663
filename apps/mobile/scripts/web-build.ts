import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The mobile app's web build (apps/mobile/dist, `expo export --platform web`), made on
 * demand by the test that drives it in Chromium: rebuilt only when an input changed (a hash
 * of the app's sources, the client package and the lock file), built into a fresh directory
 * and swapped in, one process building while others wait. Like scripts/web-build.ts for apps/web.
 */
const MOBILE = fileURLToPath(new URL('..', import.meta.url))
const ROOT = join(MOBILE, '../..')
export const MOBILE_DIST = join(MOBILE, 'dist')
const INPUTS = ['apps/mobile/app', 'apps/mobile/src', 'apps/mobile/assets', 'apps/mobile/app.json', 'apps/mobile/package.json', 'packages/client/src', 'package-lock.json']
const LOCK = join(MOBILE, '.build-lock')
const STALE_LOCK_MS = 10 * 60_000

async function files(path: string): Promise<string[]> {
  const s = await stat(path).catch(() => null)
  if (!s) return []
  if (s.isFile()) return [path]
  const out: string[] = []
  for (const e of await readdir(path, { withFileTypes: true })) {
    if (e.name === 'node_modules' || /\.test\.tsx?$/.test(e.name)) continue
    out.push(...(await files(join(path, e.name))))
  }
  return out
}

/** A hash of everything the build reads. */
export async function mobileSourceHash(): Promise<string> {
  const h = createHash('sha256')
  const all = (await Promise.all(INPUTS.map((p) => files(join(ROOT, p))))).flat().sort()
  for (const f of all) {
    h.update(relative(ROOT, f))
    h.update('\0')
    h.update(await readFile(f))
  }
  return h.digest('hex').slice(0, 16)
}

const builtHash = () => readFile(join(MOBILE_DIST, '.build-hash'), 'utf8').catch(() => '')

function run(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const cli = createRequire(join(MOBILE, 'package.json')).resolve('expo/bin/cli')
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: MOBILE, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`expo ${args.join(' ')} exited with ${code}\n${out.slice(-4000)}`))))
  })
}

async function build(hash: string, log: (l: string) => void): Promise<void> {
  const tmp = join(MOBILE, `dist.tmp-${process.pid}`)
  await rm(tmp, { recursive: true, force: true })
  const started = Date.now()
  // the default API base: a build served elsewhere names its shop in index.html (src/api/config.ts)
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', EXPO_NO_TELEMETRY: '1', NODE_ENV: 'production' }
  delete env.EXPO_PUBLIC_API_URL
  await run(['export', '--platform', 'web', '--output-dir', relative(MOBILE, tmp)], env)
  await writeFile(join(tmp, '.build-hash'), hash)
  const old = join(MOBILE, `dist.old-${process.pid}`)
  await rename(MOBILE_DIST, old).catch(() => {})
  await rename(tmp, MOBILE_DIST)
  await rm(old, { recursive: true, force: true })
  log(`mobile web build made in ${((Date.now() - started) / 1000).toFixed(1)}s`)
}

/** Makes sure apps/mobile/dist is the web build of the current sources; answers its path. */
export async function ensureMobileWebBuild(opts: { log?: (line: string) => void; force?: boolean } = {}): Promise<string> {
  const log = opts.log ?? (() => {})
  const hash = await mobileSourceHash()
  if (!opts.force && (await builtHash()) === hash) return MOBILE_DIST
  for (;;) {
    try {
      await mkdir(LOCK)
    } catch {
      // another process is building: wait for its result, or take over a lock it left behind
      const s = await stat(LOCK).catch(() => null)
      if (s && Date.now() - s.mtimeMs > STALE_LOCK_MS) await rm(LOCK, { recursive: true, force: true })
      await new Promise((r) => setTimeout(r, 500))
      if (!opts.force && (await builtHash()) === hash) return MOBILE_DIST
      continue
    }
    try {
      if (opts.force || (await builtHash()) !== hash) {
        log('building the mobile app for the web (apps/mobile)…')
        await build(hash, log)
      }
      return MOBILE_DIST
    } finally {
      await rm(LOCK, { recursive: true, force: true })
    }
  }
}

// `npm run build:web -w @shop/mobile`
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await ensureMobileWebBuild({ log: console.log, force: process.argv.includes('--force') })
}
