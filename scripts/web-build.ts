import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib'

/**
 * The web builds, made on demand: the web app (apps/web/dist, Vite), which `npm start`, the
 * distributed runner, the gateway's own start and the test run call for, so a fresh clone
 * never needs a build step of its own; and the mobile app's web build (apps/mobile/dist,
 * `expo export --platform web`), which the test that drives it in Chromium calls for.
 * Either is rebuilt only when an input changed (a hash of its sources, the shared packages
 * and the lock file), built into a fresh directory and swapped in, one process building
 * while others wait.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const WEB = join(ROOT, 'apps/web')
const MOBILE = join(ROOT, 'apps/mobile')
export const WEB_DIST = join(WEB, 'dist')
export const MOBILE_DIST = join(MOBILE, 'dist')
/** What both apps' builds read besides their own sources. */
const SHARED_INPUTS = ['packages/client/src', 'packages/storefront-core/src', 'package-lock.json', 'scripts/web-build.ts']

/** One app's build: where it lives, what it reads, how it is made into a directory. */
interface BuildTarget {
  app: string
  inputs: string[]
  staleLockMs: number
  waitMs: number
  building: string
  built: (seconds: string) => string
  make: (outDir: string) => Promise<void>
}

const web: BuildTarget = {
  app: WEB,
  inputs: ['apps/web/src', 'apps/web/public', 'apps/web/index.html', 'apps/web/vite.config.ts', 'apps/web/package.json', ...SHARED_INPUTS],
  staleLockMs: 5 * 60_000,
  waitMs: 250,
  building: 'building the web app (apps/web)…',
  built: (s) => `web app built in ${s}s`,
  make: viteBuild,
}

const mobile: BuildTarget = {
  app: MOBILE,
  inputs: ['apps/mobile/app', 'apps/mobile/src', 'apps/mobile/assets', 'apps/mobile/app.json', 'apps/mobile/package.json', ...SHARED_INPUTS],
  // an Expo export takes over a minute on a busy machine: a lock is stale only well after that
  staleLockMs: 10 * 60_000,
  waitMs: 500,
  building: 'building the mobile app for the web (apps/mobile)…',
  built: (s) => `mobile web build made in ${s}s`,
  make: expoExport,
}

async function viteBuild(outDir: string): Promise<void> {
  const { build } = await import('vite')
  const configFile = join(WEB, 'vite.config.ts')
  // Always the production build, whatever NODE_ENV the caller runs under (vitest sets 'test',
  // which Vite would follow into React's development build and unminified output).
  const nodeEnv = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    await build({ configFile, logLevel: 'warn', mode: 'production', build: { outDir: join(outDir, 'client') } })
    await precompress(join(outDir, 'client', 'assets'))
    await build({
      configFile,
      logLevel: 'warn',
      mode: 'production',
      build: { ssr: join(WEB, 'src/entry-server.tsx'), outDir: join(outDir, 'server'), copyPublicDir: false, manifest: false, emptyOutDir: true },
    })
  } finally {
    // (Reflect: the mobile app's types declare NODE_ENV always set, which it is not here)
    if (nodeEnv === undefined) Reflect.deleteProperty(process.env, 'NODE_ENV')
    else process.env.NODE_ENV = nodeEnv
  }
}

/** Text assets worth compressing: the gateway sends `<file>.br` or `<file>.gz` to a client that accepts it. */
const COMPRESSIBLE = /\.(js|mjs|css|svg|json|txt|webmanifest)$/
const MIN_COMPRESSED_BYTES = 1024

/**
 * Brotli (quality 11) and gzip (level 9) copies of each text asset, made once at build time
 * where the time is free, kept only when smaller.
 */
async function precompress(dir: string): Promise<void> {
  const files = await readdir(dir, { recursive: true }).catch(() => [] as string[])
  for (const name of files) {
    if (!COMPRESSIBLE.test(name)) continue
    const file = join(dir, name)
    const body = await readFile(file)
    if (body.length < MIN_COMPRESSED_BYTES) continue
    const br = brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } })
    const gz = gzipSync(body, { level: 9 })
    if (br.length < body.length) await writeFile(`${file}.br`, br)
    if (gz.length < body.length) await writeFile(`${file}.gz`, gz)
  }
}

async function expoExport(outDir: string): Promise<void> {
  // the default API base: a build served elsewhere names its shop in index.html (apps/mobile/src/api/config.ts)
  const { EXPO_PUBLIC_API_URL: _apiUrl, ...inherited } = process.env
  const env: NodeJS.ProcessEnv = { ...inherited, CI: '1', EXPO_NO_TELEMETRY: '1', NODE_ENV: 'production' }
  const args = ['export', '--platform', 'web', '--output-dir', relative(MOBILE, outDir)]
  const cli = createRequire(join(MOBILE, 'package.json')).resolve('expo/bin/cli')
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: MOBILE, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`expo ${args.join(' ')} exited with ${code}\n${out.slice(-4000)}`))))
  })
}

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

/** A hash of everything a build reads. */
async function sourceHash(target: BuildTarget): Promise<string> {
  const h = createHash('sha256')
  const all = (await Promise.all(target.inputs.map((p) => files(join(ROOT, p))))).flat().sort()
  for (const f of all) {
    h.update(relative(ROOT, f))
    h.update('\0')
    h.update(await readFile(f))
  }
  return h.digest('hex').slice(0, 16)
}

const builtHash = (target: BuildTarget) => readFile(join(target.app, 'dist', '.build-hash'), 'utf8').catch(() => '')

async function build(target: BuildTarget, hash: string, log: (l: string) => void): Promise<void> {
  const tmp = join(target.app, `dist.tmp-${process.pid}`)
  await rm(tmp, { recursive: true, force: true })
  const started = Date.now()
  await target.make(tmp)
  await writeFile(join(tmp, '.build-hash'), hash)
  const dist = join(target.app, 'dist')
  const old = join(target.app, `dist.old-${process.pid}`)
  await rename(dist, old).catch(() => {})
  await rename(tmp, dist)
  await rm(old, { recursive: true, force: true })
  log(target.built(((Date.now() - started) / 1000).toFixed(1)))
}

type BuildOptions = { log?: (line: string) => void; force?: boolean }

/** Makes sure the target's dist is the build of the current sources; answers its path. */
async function ensureBuild(target: BuildTarget, opts: BuildOptions): Promise<string> {
  const log = opts.log ?? (() => {})
  const dist = join(target.app, 'dist')
  const lock = join(target.app, '.build-lock')
  const hash = await sourceHash(target)
  if (!opts.force && (await builtHash(target)) === hash) return dist
  for (;;) {
    try {
      await mkdir(lock)
    } catch {
      // another process is building: wait for its result, or take over a lock it left behind
      const s = await stat(lock).catch(() => null)
      if (s && Date.now() - s.mtimeMs > target.staleLockMs) await rm(lock, { recursive: true, force: true })
      await new Promise((r) => setTimeout(r, target.waitMs))
      if (!opts.force && (await builtHash(target)) === hash) return dist
      continue
    }
    try {
      if (opts.force || (await builtHash(target)) !== hash) {
        log(target.building)
        await build(target, hash, log)
      }
      return dist
    } finally {
      await rm(lock, { recursive: true, force: true })
    }
  }
}

/** Makes sure apps/web/dist is the build of the current sources; answers its path. */
export async function ensureWebBuild(opts: BuildOptions = {}): Promise<string> {
  // A test run builds once before its first test; the shops it starts serve that build as it is.
  if (!opts.force && process.env.SHOP_WEB_PREBUILT === '1' && (await builtHash(web))) return WEB_DIST
  return ensureBuild(web, opts)
}

/** Makes sure apps/mobile/dist is the web build of the current sources; answers its path. */
export const ensureMobileWebBuild = (opts: BuildOptions = {}): Promise<string> => ensureBuild(mobile, opts)

// `node --import tsx scripts/web-build.ts mobile [--force]` (`npm run build:web -w @shop/mobile`)
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const force = process.argv.includes('--force')
  if (process.argv.includes('mobile')) await ensureMobileWebBuild({ log: console.log, force })
  else await ensureWebBuild({ log: console.log, force })
}
