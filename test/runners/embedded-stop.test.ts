import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { embeddedPgDir } from '@shop/platform/embedded-postgres'
import { PROCESSES } from '@shop/platform/runtime'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../e2e/shop.ts'
import { killGroup, type Run, run } from './run.ts'

// `npm start` stopped the ways a person stops it: Ctrl-C in its terminal (SIGINT to the
// whole foreground group: npm, node and anything else in it, all at once) and
// `kill <pid of npm>`. Each stop must drain what is in flight, end with a clean
// PostgreSQL shutdown, and leave nothing running.
let dataDir: string
let env: Record<string, string>
const runs: Run[] = []

const CLEAN = /"msg":"shutdown complete"/

function startShop(logLevel = 'info'): Run {
  const shop = run('npm', ['start'], { ...env, LOG_LEVEL: logLevel })
  runs.push(shop)
  return shop
}

/**
 * A registration whose body is still arriving when the stop begins. `accepted` resolves
 * once the gateway has taken the request in (its 100 Continue) and half the body is sent.
 */
function slowRegistration(gatewayPort: number): { accepted: Promise<void>; finish(): void; status: Promise<number> } {
  const body = JSON.stringify({ email: `late-${randomUUID().slice(0, 8)}@shop.test`, password: `Pw-${randomUUID()}`, name: '홍길동' })
  const half = Math.floor(body.length / 2)
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' }
  const req = request({ host: '127.0.0.1', port: gatewayPort, method: 'POST', path: '/v1/auth/register', headers })
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
  })
  const accepted = new Promise<void>((resolve) => req.once('continue', () => req.write(body.slice(0, half), () => resolve())))
  return { accepted, finish: () => req.end(body.slice(half)), status }
}

/** What PostgreSQL said about the previous stop when this start opened the cluster. */
async function previousStopAsSeenByNextStart(): Promise<string> {
  const shop = startShop('debug')
  await shop.waitFor(/Shop is running/)
  const said = shop.output().match(/database system was [^"\\]*/)?.[0] ?? '(no word on the previous stop)'
  shop.signalGroup('SIGINT')
  await shop.closed
  return said
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'shop-stop-'))
  // mkdtemp makes it 0700; the postgres user must reach the cluster inside it.
  await chmod(dataDir, 0o755)
  // The demo catalogue is seeded after the start line: a stop would interrupt it, which is not what is tested here.
  env = { SHOP_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), SHOP_DEMO_DATA: 'false' }
  for (const p of PROCESSES) env[`${p.toUpperCase()}_PORT`] = String(await freePort())
})

afterAll(async () => {
  await Promise.all(runs.map(killGroup))
  // PostgreSQL runs in a session of its own; a failed test may have left it behind.
  const pidFile = join(embeddedPgDir(dataDir), 'postmaster.pid')
  if (existsSync(pidFile)) {
    try {
      process.kill(Number.parseInt(readFileSync(pidFile, 'utf8'), 10), 'SIGINT')
    } catch {
      // not running
    }
  }
  await rm(embeddedPgDir(dataDir), { recursive: true, force: true })
  await rm(dataDir, { recursive: true, force: true })
}, 60_000)

describe('npm start, stopped as a person stops it', () => {
  it('one Ctrl-C (SIGINT to the whole group) drains the request in flight and stops cleanly, once', async () => {
    const shop = startShop()
    await shop.waitFor(/Shop is running/)
    const inFlight = slowRegistration(Number(env.GATEWAY_PORT))
    await inFlight.accepted
    shop.signalGroup('SIGINT')
    await shop.waitFor(/"msg":"shutting down"/)
    inFlight.finish()
    expect(await inFlight.status).toBe(201)
    await shop.closed
    const out = shop.output()
    expect(out).toMatch(CLEAN)
    expect(out).toMatch(/"failures":0,"msg":"shutdown complete"/)
    expect(out).not.toMatch(/second signal|timed out/)
    expect(out.match(/"msg":"shutting down"/g)).toHaveLength(1)
    expect(await previousStopAsSeenByNextStart()).toMatch(/^database system was shut down at/)
  }, 240_000)

  it('SIGTERM to npm alone reaches the shop, which stops cleanly and leaves nothing running', async () => {
    const shop = startShop()
    await shop.waitFor(/Shop is running/)
    process.kill(shop.child.pid!, 'SIGTERM')
    await shop.waitFor(CLEAN, 30_000)
    await shop.closed
    expect(shop.output()).toMatch(/"failures":0,"msg":"shutdown complete"/)
    expect(shop.output()).not.toMatch(/second signal|timed out/)
    expect(existsSync(join(embeddedPgDir(dataDir), 'postmaster.pid')), 'PostgreSQL still running').toBe(false)
    expect(await previousStopAsSeenByNextStart()).toMatch(/^database system was shut down at/)
  }, 240_000)
})
