import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import pg from 'pg'

export type Pool = pg.Pool
export type PoolClient = pg.PoolClient
export type QueryResult<R extends pg.QueryResultRow = pg.QueryResultRow> = pg.QueryResult<R>
/** Anything that can run a query: a pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>

// Money and counts are integers; bigint columns come back as JS numbers (safe below 2^53).
pg.types.setTypeParser(20, (v: string) => Number.parseInt(v, 10))

export interface PoolOptions {
  max?: number
  /** Shown in pg_stat_activity. */
  applicationName?: string
  statementTimeoutMs?: number
}

/** A pg pool with sane timeouts; errors on idle clients are logged, not thrown. */
export function createPool(url: string, opts: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    application_name: opts.applicationName,
    statement_timeout: opts.statementTimeoutMs ?? 30_000,
    // Short queries: PostgreSQL's JIT compiles any plan whose estimated cost passes
    // jit_above_cost (a LIMITed walk of a large table does) and spends more time
    // compiling (seen: 190 ms) than the query runs.
    options: '-c jit=off',
  })
  // A client losing its server (restart, shutdown) must not crash the process: idle
  // clients report on the pool, checked-out ones on themselves; the failure still
  // reaches whoever awaits a query on them.
  pool.on('error', () => {})
  pool.on('connect', (client) => client.on('error', () => {}))
  return pool
}

/** Runs fn inside BEGIN/COMMIT; rolls back on any throw. */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  opts: { isolation?: 'read committed' | 'repeatable read' | 'serializable' } = {},
): Promise<T> {
  return inTransaction(pool, async (client) => {
    await client.query(opts.isolation ? `BEGIN ISOLATION LEVEL ${opts.isolation.toUpperCase()}` : 'BEGIN')
    return fn(client)
  })
}

/** Runs `body` (which opens the transaction) on one pooled client, then COMMIT; ROLLBACK on any throw. */
async function inTransaction<T>(pool: pg.Pool, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  try {
    const value = await body(client)
    await client.query('COMMIT')
    return value
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  } finally {
    client.release()
  }
}

/**
 * A named statement for a hot query of fixed text: each connection has PostgreSQL parse
 * and plan it once, then only binds and runs it. The name is derived from the text, so
 * two statements never share one.
 */
export function prepared(text: string): (values?: unknown[]) => pg.QueryConfig {
  const name = `s_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`
  return (values = []) => ({ name, text, values })
}

/** A string as an SQL literal, for the few statements sent without parameters (see withTransactionFrom). */
export const literal = (value: string): string => pg.escapeLiteral(value)

/**
 * Runs fn inside BEGIN/COMMIT like withTransaction, with BEGIN sent in one message with
 * `first`, a statement without parameters (simple query protocol, values quoted with
 * literal()): one round trip less for transactions that always open with the same kind
 * of statement. fn is given that statement's result.
 */
export async function withTransactionFrom<T>(
  pool: pg.Pool,
  first: string,
  fn: (client: pg.PoolClient, result: pg.QueryResult) => Promise<T>,
): Promise<T> {
  return inTransaction(pool, async (client) => {
    // Two statements in one simple query answer with one result each.
    const [, result] = (await client.query(`BEGIN; ${first}`)) as unknown as pg.QueryResult[]
    return fn(client, result)
  })
}

export interface MigrationSource {
  /** A stable label: 'platform', 'order', ... */
  source: string
  dir: string
}

/**
 * Applies forward-only *.sql migrations in file-name order, each in its own
 * transaction, under an advisory lock so replicas starting together do not race.
 * Returns the names applied now.
 */
export async function migrate(pool: pg.Pool, sources: MigrationSource[]): Promise<string[]> {
  const client = await pool.connect()
  const applied: string[] = []
  try {
    await client.query('SELECT pg_advisory_lock(727274)')
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`)
    const done = new Set(
      (await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name),
    )
    for (const { source, dir } of sources) {
      const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort()
      for (const file of files) {
        const name = `${source}/${file}`
        if (done.has(name)) continue
        const sql = await readFile(join(dir, file), 'utf8')
        try {
          await client.query('BEGIN')
          await client.query(sql)
          await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name])
          await client.query('COMMIT')
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {})
          throw new Error(`migration ${name} failed: ${(err as Error).message}`)
        }
        applied.push(name)
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(727274)').catch(() => {})
    client.release()
  }
  return applied
}

/** The URL of database `name` on the server that `serverUrl` points at. */
export function databaseUrl(serverUrl: string, name: string): string {
  const u = new URL(serverUrl)
  u.pathname = `/${name}`
  return u.toString()
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`

/** Creates database `name` on the server unless it exists; safe against a concurrent create. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: databaseUrl(serverUrl, 'postgres') })
  await admin.connect()
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (!rowCount) {
      try {
        await admin.query(`CREATE DATABASE ${quoteIdent(name)}`)
      } catch (err) {
        // 42P04 duplicate_database, 23505 unique_violation: another process created it first.
        const code = (err as { code?: string }).code
        if (code !== '42P04' && code !== '23505') throw err
      }
    }
  } finally {
    await admin.end()
  }
  return databaseUrl(serverUrl, name)
}

/** Drops database `name`, closing any session still connected to it. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrl(serverUrl, 'postgres') })
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)
  } finally {
    await admin.end()
  }
}

/** The platform's own migrations (outbox, inbox, idempotency keys), applied before a service's. */
export const platformMigrations: MigrationSource = {
  source: 'platform',
  dir: new URL('../migrations', import.meta.url).pathname,
}
