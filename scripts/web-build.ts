import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The web app's build (apps/web/dist), made on demand: `npm start`, the distributed
 * runner, the gateway's own start and the test run call this, so a fresh clone never
 * needs a build step of its own. It rebuilds only when an input changed (a hash of the
 * sources, the client package and the lock file), builds into a fresh directory and
 * swaps it in, and lets one process build while others wait.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const WEB = join(ROOT, 'apps/web')
export const WEB_DIST = join(WEB, 'dist')
const INPUTS = ['apps/web/src', 'apps/web/public', 'apps/web/index.html', 'apps/web/vite.config.ts', 'apps/web/package.json', 'packages/client/src', 'package-lock.json']
const LOCK = join(WEB, '.build-lock')
const STALE_LOCK_MS = 5 * 60_000

async function files(path: string): Promise<string[]> {
  const s = await stat(path).catch(() => null)
  if (!s) return []
  if (s.isFile()) return [path]
  const out: string[] = []
  for (const e of await readdir(path, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.endsWith('.test.ts') || e.name.endsWith('.test.tsx')) continue
    out.push(...(await files(join(path, e.name))))
  }
  return out
}

/** A hash of everything the build reads. */
export async function webSourceHash(): Promise<string> {
  const h = createHash('sha256')
  const all = (await Promise.all(INPUTS.map((p) => files(join(ROOT, p))))).flat().sort()
  for (const f of all) {
    h.update(relative(ROOT, f))
    h.update('\0')
    h.update(await readFile(f))
  }
  return h.digest('hex').slice(0, 16)
}

const builtHash = () => readFile(join(WEB_DIST, '.build-hash'), 'utf8').catch(() => '')

async function build(hash: string, log: (l: string) => void): Promise<void> {
  const { build: viteBuild } = await import('vite')
  const tmp = join(WEB, `dist.tmp-${process.pid}`)
  await rm(tmp, { recursive: true, force: true })
  const started = Date.now()
  const configFile = join(WEB, 'vite.config.ts')
  // Always the production build, whatever NODE_ENV the caller runs under (vitest sets 'test',
  // which Vite would follow into React's development build and unminified output).
  const nodeEnv = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    await viteBuild({ configFile, logLevel: 'warn', mode: 'production', build: { outDir: join(tmp, 'client') } })
    await viteBuild({
      configFile,
      logLevel: 'warn',
      mode: 'production',
      build: { ssr: join(WEB, 'src/entry-server.tsx'), outDir: join(tmp, 'server'), copyPublicDir: false, manifest: false, emptyOutDir: true },
    })
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = nodeEnv
  }
  await writeFile(join(tmp, '.build-hash'), hash)
  const old = join(WEB, `dist.old-${process.pid}`)
  await rename(WEB_DIST, old).catch(() => {})
  await rename(tmp, WEB_DIST)
  await rm(old, { recursive: true, force: true })
  log(`web app built in ${((Date.now() - started) / 1000).toFixed(1)}s`)
}

/** Makes sure apps/web/dist is the build of the current sources; answers its path. */
export async function ensureWebBuild(opts: { log?: (line: string) => void; force?: boolean } = {}): Promise<string> {
  const log = opts.log ?? (() => {})
  // A test run builds once before its first test; the shops it starts serve that build as it is.
  if (!opts.force && process.env.SHOP_WEB_PREBUILT === '1' && (await builtHash())) return WEB_DIST
  const hash = await webSourceHash()
  if (!opts.force && (await builtHash()) === hash) return WEB_DIST
  for (;;) {
    try {
      await mkdir(LOCK)
    } catch {
      // another process is building: wait for its result, or take over a lock it left behind
      const s = await stat(LOCK).catch(() => null)
      if (s && Date.now() - s.mtimeMs > STALE_LOCK_MS) await rm(LOCK, { recursive: true, force: true })
      await new Promise((r) => setTimeout(r, 250))
      if (!opts.force && (await builtHash()) === hash) return WEB_DIST
      continue
    }
    try {
      if (opts.force || (await builtHash()) !== hash) {
        log('building the web app (apps/web)…')
        await build(hash, log)
      }
      return WEB_DIST
    } finally {
      await rm(LOCK, { recursive: true, force: true })
    }
  }
}
