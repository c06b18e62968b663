import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:net'
import { generateKeyringSpec } from '@shop/platform/crypto'
import { dropDatabase, ensureDatabase } from '@shop/platform/db'
import { PROCESSES, type ProcessName } from '@shop/platform/runtime'
import { serverAvailable, testAmqpUrl, testPgUrl, testRedisUrl, uniqueName } from '@shop/platform/testing'
import { Agent, request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanupBroker, cleanupRedis, freePort } from '../e2e/shop.ts'
import { killGroup, type Run, run } from './run.ts'

// `npm run start:distributed` as the README shows it (no TRUST_PROXY given), on the real
// PostgreSQL, RabbitMQ and Redis with this file's own databases, prefixes and ports.
const ready = (await serverAvailable('rabbitmq')) && (await serverAvailable('redis'))
const SERVICES = ['auth', 'product', 'order', 'payment', 'shipping'] as const

describe.runIf(ready)('npm run start:distributed', () => {
  const prefix = uniqueName('runner')
  const env: Record<string, string> = {}
  const urls = {} as Record<ProcessName, string>
  const runs: Run[] = []
  const agents: Agent[] = []
  let shop: Run

  const start = (extra: Record<string, string | undefined> = {}) => {
    const r = run('npm', ['run', 'start:distributed'], { ...env, ...extra })
    runs.push(r)
    return r
  }
  /** Every process answers /health; the run ending first fails the test with its output. */
  const allReady = async (r: Run) => {
    const deadline = Date.now() + 180_000
    for (const p of PROCESSES) {
      for (;;) {
        if (r.child.exitCode !== null) throw new Error(`the runner ended:\n${r.output().slice(-3000)}`)
        if ((await fetch(`${urls[p]}/health`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined))?.ok) break
        if (Date.now() > deadline) throw new Error(`${p} did not answer /health:\n${r.output().slice(-3000)}`)
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }
  }

  /** A client whose connections leave from `address` (any of 127.0.0.0/8 is this machine). */
  const from = (address: string) => {
    // The client's own option: undici 6 passes it to every connect and so overrides a
    // `connect: { localAddress }` (connections would all leave from 127.0.0.1).
    const agent = new Agent({ localAddress: address })
    agents.push(agent)
    return agent
  }

  async function signUp(base: string, path: string, address: string, headers: Record<string, string> = {}): Promise<number> {
    const body = JSON.stringify({ email: `s-${randomUUID().slice(0, 12)}@shop.test`, password: `Pw-${randomUUID()}`, name: '홍길동' })
    const res = await request(`${base}${path}`, {
      method: 'POST',
      dispatcher: from(address),
      headers: { 'content-type': 'application/json', ...headers },
      body,
    })
    await res.body.dump()
    return res.statusCode
  }

  beforeAll(async () => {
    const pg = testPgUrl()
    for (const s of SERVICES) env[`${s.toUpperCase()}_DATABASE_URL`] = await ensureDatabase(pg, `${prefix}_${s}`)
    for (const p of PROCESSES) {
      const port = await freePort()
      env[`${p.toUpperCase()}_PORT`] = String(port)
      urls[p] = `http://127.0.0.1:${port}`
    }
    Object.assign(env, {
      PG_URL: pg,
      AMQP_URL: testAmqpUrl(),
      REDIS_URL: testRedisUrl(),
      AMQP_PREFIX: `${prefix}.`,
      REDIS_KEY_PREFIX: `${prefix}:`,
      JWT_PRIVATE_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      PII_ENCRYPTION_KEYS: generateKeyringSpec('k1'),
      ARGON2_MEMORY_KIB: '1024',
      CARRIER_SIMULATOR_AUTO_ADVANCE: 'false',
      LOG_LEVEL: 'info',
      // What the README's shell would not have: nothing here decides whom auth believes.
      TRUST_PROXY: '',
    })
    shop = start()
    await allReady(shop)
  }, 240_000)

  afterAll(async () => {
    await Promise.all(runs.map(killGroup))
    await Promise.all(agents.map((a) => a.close()))
    await Promise.all(SERVICES.map((s) => dropDatabase(testPgUrl(), `${prefix}_${s}`).catch(() => {})))
    await cleanupBroker(`${prefix}.`).catch(() => {})
    await cleanupRedis(`${prefix}:`).catch(() => {})
  }, 120_000)

  it('counts auth’s per-IP limit per shopper: 60 addresses sign up once each, one address is stopped at its 31st', async () => {
    const many = await Promise.all(Array.from({ length: 60 }, (_, i) => signUp(urls.gateway, '/v1/auth/register', `127.0.1.${i + 1}`)))
    expect(many).toEqual(Array(60).fill(201))
    const one: number[] = []
    for (let i = 0; i < 31; i++) one.push(await signUp(urls.gateway, '/v1/auth/register', '127.0.2.1'))
    expect(one).toEqual([...Array(30).fill(201), 429])
    // The other shoppers are not locked out by that one.
    expect(await signUp(urls.gateway, '/v1/auth/register', '127.0.1.1')).toBe(201)
  }, 120_000)

  it('auth reached directly does not believe a forged X-Forwarded-For', async () => {
    const answers: number[] = []
    for (let i = 0; i < 31; i++) {
      answers.push(await signUp(urls.auth, '/auth/register', '127.0.3.1', { 'x-forwarded-for': `203.0.113.${i + 1}` }))
    }
    expect(answers).toEqual([...Array(30).fill(201), 429])
  }, 120_000)

  it('an oversized body sent by Node’s fetch gets the 413 problem, at the gateway and at a service', async () => {
    const answers: string[] = []
    for (const target of [`${urls.gateway}/v1/auth/register`, `${urls.auth}/auth/register`]) {
      for (const mib of [2, 20, 2, 20, 2, 20]) {
        const body = JSON.stringify({ email: 'big@shop.test', password: 'x'.repeat(mib * 1024 * 1024), name: '홍길동' })
        try {
          const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
          answers.push(`${res.status} ${((await res.json()) as { code: string }).code}`)
        } catch (err) {
          answers.push(`no answer: ${String((err as Error).cause ?? err)}`)
        }
      }
    }
    expect(answers).toEqual(Array(12).fill('413 payload_too_large'))
  }, 120_000)

  it('a process that crashes after it started is restarted, after a longer pause each time it crashes again soon', async () => {
    const pidOf = (n: number) => Number([...shop.output().matchAll(/\[distributed\] auth ready \(pid (\d+)\)/g)][n - 1]?.[1])
    const readyCount = () => shop.output().match(/\[distributed\] auth ready/g)?.length ?? 0
    process.kill(pidOf(1), 'SIGKILL')
    await shop.waitFor(/auth exited \(SIGKILL\) after it had started; restarting in 1s/)
    await shop.waitFor(/(\[distributed\] auth ready[^]*){2}/)
    expect(readyCount()).toBe(2)
    process.kill(pidOf(2), 'SIGKILL')
    await shop.waitFor(/auth exited \(SIGKILL\) after it had started; restarting in 2s/)
    await shop.waitFor(/(\[distributed\] auth ready[^]*){3}/)
    expect(await signUp(urls.gateway, '/v1/auth/register', '127.0.4.1')).toBe(201)
  }, 180_000)

  it('SIGTERM to npm alone stops every process cleanly, and the runner exits 0', async () => {
    process.kill(shop.child.pid!, 'SIGTERM')
    const end = await shop.closed
    const out = shop.output()
    const stops = out.split('\n').filter((l) => l.includes('"reason":"SIGTERM"') && l.includes('shutdown complete'))
    expect(stops.filter((l) => l.includes('"failures":0')), stops.join('\n')).toHaveLength(PROCESSES.length)
    expect(out).not.toMatch(/second signal|timed out|killing them/)
    expect(end.code).toBe(0)
  }, 60_000)

  it('one Ctrl-C (SIGINT to the whole group) stops every process cleanly, once each', async () => {
    const again = start()
    await allReady(again)
    again.signalGroup('SIGINT')
    const end = await again.closed
    const out = again.output()
    expect(out.match(/"failures":0,"msg":"shutdown complete"/g)).toHaveLength(PROCESSES.length)
    expect(out.match(/"msg":"shutting down"/g)).toHaveLength(PROCESSES.length)
    expect(out).not.toMatch(/second signal|timed out|killing them/)
    expect(end.code).toBe(0)
  }, 240_000)

  it('a missing secret stops the runner with the message and a non-zero exit, without restarts', async () => {
    const broken = start({ JWT_PRIVATE_KEY: '' })
    const end = await broken.closed
    expect(broken.output()).toMatch(/JWT_PRIVATE_KEY: is required/)
    expect(broken.output()).toMatch(/auth exited \(code 78\): its configuration is wrong/)
    expect(broken.output()).not.toMatch(/restarting/)
    expect(end.code).not.toBe(0)
  }, 120_000)

  it('a port in use stops the runner with the message and a non-zero exit', async () => {
    const squatter: Server = createServer()
    await new Promise<void>((resolve) => squatter.listen(Number(env.GATEWAY_PORT), '127.0.0.1', resolve))
    try {
      const blocked = start()
      const end = await blocked.closed
      expect(blocked.output()).toMatch(new RegExp(`GATEWAY_PORT: port ${env.GATEWAY_PORT} on 127.0.0.1 is already in use`))
      expect(blocked.output()).not.toMatch(/restarting/)
      expect(end.code).not.toBe(0)
    } finally {
      await new Promise((resolve) => squatter.close(resolve))
    }
  }, 120_000)
})
