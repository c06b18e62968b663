import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import type pg from 'pg'
import { createPool, dropDatabase, ensureDatabase, type MigrationSource, migrate, platformMigrations } from './db.ts'

/**
 * Test helpers: every test file gets its own database, queue names and key prefix so
 * files run in parallel against the same real servers without seeing each other.
 */

/** The PostgreSQL server tests use (the vitest global setup may point it at an embedded one). */
export const testPgUrl = (): string =>
  process.env.TEST_PG_URL ?? process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const testRedisUrl = (): string => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
export const testAmqpUrl = (): string => process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672'

/** A short random name, safe as a database, queue or key prefix: `${prefix}_<12 hex>`. */
export const uniqueName = (prefix: string): string => `${prefix}_${randomBytes(6).toString('hex')}`

export interface TestDatabase {
  name: string
  url: string
  pool: pg.Pool
  drop(): Promise<void>
}

/** Creates a fresh database, applies the platform's and the given migrations, returns a pool. */
export async function createTestDatabase(
  opts: { migrations?: MigrationSource[]; prefix?: string; withPlatform?: boolean } = {},
): Promise<TestDatabase> {
  const server = testPgUrl()
  const name = uniqueName(opts.prefix ?? 'test')
  const url = await ensureDatabase(server, name)
  const pool = createPool(url, { max: 20 })
  const sources = [...(opts.withPlatform === false ? [] : [platformMigrations]), ...(opts.migrations ?? [])]
  await migrate(pool, sources)
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end().catch(() => {})
      await dropDatabase(server, name)
    },
  }
}

/** Whether something accepts TCP connections at the URL's host and port. */
export function answers(url: string, timeoutMs = 1000): Promise<boolean> {
  const u = new URL(url)
  const defaults: Record<string, number> = { 'redis:': 6379, 'amqp:': 5672, 'postgres:': 5432, 'postgresql:': 5432 }
  const port = Number(u.port || defaults[u.protocol] || 80)
  return new Promise((resolve) => {
    const sock = connect({ host: u.hostname, port })
    const done = (ok: boolean) => {
      sock.destroy()
      resolve(ok)
    }
    sock.setTimeout(timeoutMs, () => done(false))
    sock.once('connect', () => done(true))
    sock.once('error', () => done(false))
  })
}

/**
 * For adapter suites: true when the server answers. Under CI=true a missing server is
 * an error (the suite must not silently skip); elsewhere the suite is skipped.
 */
export async function serverAvailable(kind: 'redis' | 'rabbitmq' | 'postgres'): Promise<boolean> {
  const url = kind === 'redis' ? testRedisUrl() : kind === 'rabbitmq' ? testAmqpUrl() : testPgUrl()
  const ok = await answers(url)
  if (!ok && process.env.CI === 'true') {
    throw new Error(`CI=true and ${kind} does not answer at ${url.replace(/\/\/[^@]*@/, '//')}`)
  }
  return ok
}

/** Polls fn until it returns a truthy value or the timeout passes. */
export async function eventually<T>(fn: () => Promise<T> | T, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000)
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v) return v
      last = new Error('condition not met')
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) throw last
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50))
  }
}
