import { type ChildProcess, spawn } from 'node:child_process'
import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateKeyringSpec } from '@shop/platform/crypto'
import { dropDatabase, ensureDatabase } from '@shop/platform/db'
import { embeddedPgDir } from '@shop/platform/embedded-postgres'
import { PROCESSES, type ProcessName } from '@shop/platform/runtime'
import { testAmqpUrl, testPgUrl, testRedisUrl, uniqueName } from '@shop/platform/testing'
import amqp from 'amqplib'
import { Redis } from 'ioredis'

/**
 * Starts the whole shop for end-to-end tests: every service in its own process against
 * the real PostgreSQL, RabbitMQ and Redis (distributed), or the one-process embedded
 * mode. Each shop gets its own databases, queue prefix, key prefix and ports.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SERVICES = ['auth', 'product', 'order', 'payment', 'shipping'] as const

export interface Shop {
  mode: 'distributed' | 'embedded'
  gatewayUrl: string
  urls: Record<ProcessName, string>
  admin: { email: string; password: string }
  env: Record<string, string>
  /** Recent output of every process, for a failing test's message. */
  logs(): string
  /** Sends a signal to one service's process (distributed mode). */
  kill(name: ProcessName, signal?: NodeJS.Signals): Promise<void>
  /** Starts a service's process again after kill (distributed mode). */
  start(name: ProcessName): Promise<void>
  stop(): Promise<void>
}

/**
 * A port for a test shop's server, free when picked and bound by the shop a moment later.
 * Ports come from below the kernel's ephemeral range (32768 and up on Linux), from a
 * block of this test worker's own: a server another test binds to port 0, and every
 * outgoing connection, gets an ephemeral port, so none can take ours between the pick and
 * the bind (one did: its /health answered for a process still starting, and requests
 * went to another test's service); another worker picks from its own block.
 */
export async function freePort(): Promise<number> {
  const block = PORT_BASE + (Number(process.env.VITEST_POOL_ID ?? 0) % PORT_BLOCKS) * PORT_BLOCK
  for (let tried = 0; tried < PORT_BLOCK; tried++) {
    const port = block + (nextPort++ % PORT_BLOCK)
    if (await canListen(port)) return port
  }
  throw new Error(`no free port in ${block}–${block + PORT_BLOCK - 1}`)
}

const PORT_BASE = 20_000
const PORT_BLOCK = 400
const PORT_BLOCKS = 30 // 20,000 + 30 × 400 = 32,000: below the ephemeral range
// A file starts anywhere in its block: the previous file's processes may still be leaving.
let nextPort = randomInt(PORT_BLOCK)

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer()
    srv.once('error', () => resolve(false))
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
  })
}

async function waitForHealth(url: string, proc: () => ChildProcess | undefined, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const p = proc()
    if (p && p.exitCode !== null) throw new Error(`process exited with ${p.exitCode} before ${url} answered`)
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })
      if (res.ok) return
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer /health within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

async function baseEnv(): Promise<{ env: Record<string, string>; urls: Record<ProcessName, string>; admin: Shop['admin'] }> {
  const ports = Object.fromEntries(await Promise.all(PROCESSES.map(async (p) => [p, await freePort()]))) as Record<ProcessName, number>
  const admin = { email: `admin-${randomBytes(4).toString('hex')}@shop.test`, password: `Adm1n-${randomBytes(9).toString('base64url')}` }
  const env: Record<string, string> = {
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    HOST: '127.0.0.1',
    JWT_PRIVATE_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    PII_ENCRYPTION_KEYS: generateKeyringSpec('e2e'),
    BOOTSTRAP_ADMIN_EMAIL: admin.email,
    BOOTSTRAP_ADMIN_PASSWORD: admin.password,
    TRUST_PROXY: '127.0.0.1',
    // The journeys drive many requests from one address; the limits have their own tests.
    RATE_LIMIT_PER_MINUTE: '0',
    USER_RATE_LIMIT_PER_MINUTE: '0',
    AUTH_RATE_LIMIT_PER_MINUTE: '0',
    CARRIER_SIMULATOR_AUTO_ADVANCE: 'false',
    // Tests count their own products; a test that wants the demo catalogue asks for it.
    SHOP_DEMO_DATA: 'false',
  }
  for (const p of PROCESSES) env[`${p.toUpperCase()}_PORT`] = String(ports[p])
  const urls = Object.fromEntries(PROCESSES.map((p) => [p, `http://127.0.0.1:${ports[p]}`])) as Record<ProcessName, string>
  return { env, urls, admin }
}

function spawnLogged(args: string[], env: Record<string, string>, sink: string[], tag: string): ChildProcess {
  // SHOP_CPU_PROFILE_DIR: each process (or those named in SHOP_CPU_PROFILE_PROCESSES) writes a V8 CPU
  // profile into <dir>/<tag> when it exits (bench/README.md).
  const only = process.env.SHOP_CPU_PROFILE_PROCESSES?.split(',').map((s: string) => s.trim())
  const profiled = process.env.SHOP_CPU_PROFILE_DIR && (!only || only.includes(tag))
  const profile = profiled ? ['--cpu-prof', '--cpu-prof-dir', `${process.env.SHOP_CPU_PROFILE_DIR}/${tag}`] : []
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) sink.push(`[${tag}] ${line}`)
    if (sink.length > 400) sink.splice(0, sink.length - 400)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  return child
}

function stopChild(child: ChildProcess | undefined, timeoutMs = 15_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.once('exit', () => {
      clearTimeout(t)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/**
 * Ports are picked free and bound a moment later by the shop's processes; another test
 * starting a server in between can take one. Such a start failed before anything was
 * done, so it is tried again on fresh ports (the failed shop has cleaned up after itself).
 */
async function withFreshPortsOnClash(start: () => Promise<Shop>, attempts = 3): Promise<Shop> {
  for (let i = 1; ; i++) {
    try {
      return await start()
    } catch (err) {
      // EADDRINUSE from Node, "Address already in use" from the embedded PostgreSQL.
      if (i >= attempts || !/EADDRINUSE|Address already in use/.test((err as Error).message)) throw err
    }
  }
}

/** Every service in its own process, on the real servers, with this shop's own namespaces. */
export function startDistributedShop(extraEnv: Record<string, string> = {}): Promise<Shop> {
  return withFreshPortsOnClash(() => startDistributedShopOnce(extraEnv))
}

async function startDistributedShopOnce(extraEnv: Record<string, string>): Promise<Shop> {
  const { env, urls, admin } = await baseEnv()
  const prefix = uniqueName('e2e')
  const pg = testPgUrl()
  for (const s of SERVICES) env[`${s.toUpperCase()}_DATABASE_URL`] = await ensureDatabase(pg, `${prefix}_${s}`)
  Object.assign(env, {
    PG_URL: pg,
    AMQP_URL: testAmqpUrl(),
    REDIS_URL: testRedisUrl(),
    AMQP_PREFIX: `${prefix}.`,
    REDIS_KEY_PREFIX: `${prefix}:`,
    ...extraEnv,
  })
  const logs: string[] = []
  const procs = new Map<ProcessName, ChildProcess>()
  // As an orchestrator does, a process that exits before it answers is started again a
  // few times (a shared broker or database restarted by another test may be away for a
  // moment); what it printed is reported, and the last failure is thrown with it.
  const start = async (name: ProcessName) => {
    for (let attempt = 1; ; attempt++) {
      const child = spawnLogged(['scripts/start-service.ts', name], env, logs, name)
      procs.set(name, child)
      try {
        await waitForHealth(urls[name], () => procs.get(name))
        return
      } catch (err) {
        const said = logs.filter((l) => l.startsWith(`[${name}] `)).slice(-10).join('\n')
        if (child.exitCode === null || attempt === 4) throw new Error(`${name}: ${(err as Error).message}\n${said}`)
        console.warn(`[shop] ${name} exited (${child.exitCode}) before it answered; starting it again:\n${said}`)
        await new Promise((r) => setTimeout(r, 1000 * attempt))
      }
    }
  }
  const shop: Shop = {
    mode: 'distributed',
    gatewayUrl: urls.gateway,
    urls,
    admin,
    env,
    logs: () => logs.join('\n'),
    async kill(name, signal = 'SIGKILL') {
      const child = procs.get(name)
      if (!child) return
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill(signal)
      })
      procs.delete(name)
    },
    start,
    async stop() {
      await Promise.all([...procs.values()].map((c) => stopChild(c)))
      procs.clear()
      await Promise.all(SERVICES.map((s) => dropDatabase(pg, `${prefix}_${s}`).catch(() => {})))
      await cleanupBroker(`${prefix}.`).catch(() => {})
      await cleanupRedis(`${prefix}:`).catch(() => {})
    },
  }
  try {
    // auth first: the others fetch its JWKS when the first token arrives.
    await start('auth')
    await Promise.all((['product', 'shipping', 'order', 'payment', 'gateway'] as ProcessName[]).map(start))
  } catch (err) {
    const out = shop.logs()
    await shop.stop()
    throw new Error(`${(err as Error).message}\n${out}`)
  }
  return shop
}

/** The one-process embedded mode (`npm start`), with its own data dir and ports. */
export function startEmbeddedShop(extraEnv: Record<string, string> = {}): Promise<Shop> {
  return withFreshPortsOnClash(() => startEmbeddedShopOnce(extraEnv))
}

async function startEmbeddedShopOnce(extraEnv: Record<string, string>): Promise<Shop> {
  const { env, urls, admin } = await baseEnv()
  const dataDir = await mkdtemp(join(tmpdir(), 'shop-e2e-'))
  // mkdtemp makes it 0700; the postgres user must reach the cluster inside it.
  await chmod(dataDir, 0o755)
  Object.assign(env, { SHOP_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), ...extraEnv })
  const logs: string[] = []
  const child = spawnLogged(['scripts/start-embedded.ts'], env, logs, 'shop')
  const shop: Shop = {
    mode: 'embedded',
    gatewayUrl: urls.gateway,
    urls,
    admin,
    env,
    logs: () => logs.join('\n'),
    async kill() {
      throw new Error('embedded mode runs every service in one process')
    },
    async start() {
      throw new Error('embedded mode runs every service in one process')
    },
    async stop() {
      await stopChild(child)
      await rm(embeddedPgDir(dataDir), { recursive: true, force: true })
      await rm(dataDir, { recursive: true, force: true })
    },
  }
  try {
    for (const p of PROCESSES) await waitForHealth(urls[p], () => child, 150_000)
  } catch (err) {
    const out = shop.logs()
    await shop.stop()
    throw new Error(`${(err as Error).message}\n${out}`)
  }
  return shop
}

export async function cleanupBroker(prefix: string): Promise<void> {
  const conn = await amqp.connect(testAmqpUrl())
  try {
    for (const s of SERVICES) {
      for (const q of [`${s}.events`, `${s}.dlq`, ...[200, 1000, 5000, 15000].map((ms) => `${s}.retry.${ms}ms`)]) {
        const ch = await conn.createChannel()
        ch.on('error', () => {})
        await ch.deleteQueue(`${prefix}${q}`).catch(() => {})
        await ch.close().catch(() => {})
      }
    }
    const ch = await conn.createChannel()
    ch.on('error', () => {})
    await ch.deleteExchange(`${prefix}shop.events`).catch(() => {})
    await ch.deleteExchange(`${prefix}shop.events.dlx`).catch(() => {})
    await ch.close().catch(() => {})
  } finally {
    await conn.close().catch(() => {})
  }
}

export async function cleanupRedis(prefix: string): Promise<void> {
  const redis = new Redis(testRedisUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 })
  await redis.connect()
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
      cursor = next
      if (keys.length) await redis.del(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}
