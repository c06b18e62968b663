import { assertValidEvent, type EventEnvelope, InvalidEvent } from '@shop/contracts'
import type { Pool, Queryable } from './db.ts'
import { errorMessage, type MessagingLogger, silentLogger } from './events.ts'
import type { EventBus } from './ports.ts'

/**
 * Transactional outbox: the event row commits with the state change it announces, and
 * a relay publishes unsent rows, stamping them sent only after the broker confirmed.
 * A crash between the confirm and the commit publishes a row twice (consumers dedupe
 * through the inbox); nothing committed is ever lost.
 */

/** Adds the event to the outbox inside the caller's transaction; an invalid envelope throws InvalidEvent. */
export async function enqueueEvent(client: Queryable, event: EventEnvelope): Promise<void> {
  assertValidEvent(event)
  await client.query('INSERT INTO outbox (id, type, envelope) VALUES ($1, $2, $3)', [
    event.id,
    event.type,
    JSON.stringify(event),
  ])
}

export interface OutboxRelayOptions {
  pool: Pool
  bus: EventBus
  logger?: MessagingLogger
  /** Rows per transaction (default 100). */
  batchSize?: number
  /** Wait between polls when the outbox is empty (default 250 ms); poke() cuts it short. */
  pollIntervalMs?: number
  /** Cap of the backoff while the broker refuses (default 10 s). */
  maxBackoffMs?: number
  /** How long sent rows are kept (default 7 days). */
  retentionMs?: number
  /** How often sent rows past retention are purged (default 1 h). */
  purgeIntervalMs?: number
}

export interface OutboxRelay {
  start(): void
  /** Stops polling and waits for the batch in progress. */
  stop(): Promise<void>
  /** Publishes one batch; resolves with the rows sent, rejects when the broker failed (the rows stay for the next try). */
  flushOnce(): Promise<number>
  /** Asks for a pass soon; call it after committing a transaction that enqueued events. */
  poke(): void
  backlog(): Promise<{ count: number; oldestAgeSeconds: number | null }>
}

/** A relay that publishes the outbox in seq order; replicas on one database share rows via SKIP LOCKED. */
export function createOutboxRelay(opts: OutboxRelayOptions): OutboxRelay {
  const { pool, bus } = opts
  const logger = opts.logger ?? silentLogger
  const batchSize = opts.batchSize ?? 100
  const pollIntervalMs = opts.pollIntervalMs ?? 250
  const maxBackoffMs = opts.maxBackoffMs ?? 10_000
  const retentionMs = opts.retentionMs ?? 7 * 24 * 3600_000
  const purgeIntervalMs = opts.purgeIntervalMs ?? 3600_000

  let running = false
  let loop: Promise<void> | null = null
  let poked = false
  /** Set while sleeping: wakes the loop, `byPoke` tells whether a poke may cut this sleep short. */
  let sleeper: { wake: () => void; byPoke: boolean } | null = null
  let lastPurge = 0

  async function flushOnce(): Promise<number> {
    const client = await pool.connect()
    let sent = 0
    let failure: unknown = null
    try {
      await client.query('BEGIN')
      const { rows } = await client.query<{ id: string; envelope: EventEnvelope }>(
        'SELECT id, envelope FROM outbox WHERE sent_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED',
        [batchSize],
      )
      // Published back to back on one channel, so the broker still receives them in seq
      // order; waiting for each confirm before the next would cap throughput at one round trip per row.
      const results = await Promise.allSettled(rows.map((r) => bus.publish(r.envelope)))
      const ok = rows.filter((_, i) => results[i].status === 'fulfilled').map((r) => r.id)
      const failed = rows.flatMap((r, i) => {
        const res = results[i]
        return res.status === 'rejected' ? [{ id: r.id, err: res.reason as unknown }] : []
      })
      if (ok.length > 0) {
        await client.query('UPDATE outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY($1::uuid[])', [ok])
      }
      if (failed.length > 0) {
        await client.query(
          `UPDATE outbox SET attempts = attempts + 1, last_error = f.err
           FROM unnest($1::uuid[], $2::text[]) AS f(id, err) WHERE outbox.id = f.id`,
          [failed.map((f) => f.id), failed.map((f) => errorMessage(f.err))],
        )
      }
      for (const f of failed) {
        // A row the contract rejects can never be sent: it stays visible in the backlog
        // without holding back the relay. Any other failure means the broker is unwell.
        if (f.err instanceof InvalidEvent) logger.error({ eventId: f.id, err: errorMessage(f.err) }, 'outbox row is not a valid event')
        else failure ??= f.err
      }
      await client.query('COMMIT')
      sent = ok.length
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {})
      throw err
    } finally {
      client.release()
    }
    if (failure) throw failure
    return sent
  }

  async function purge() {
    lastPurge = Date.now()
    const { rowCount } = await pool.query(
      `DELETE FROM outbox WHERE id IN (
         SELECT id FROM outbox WHERE sent_at < now() - make_interval(secs => $1) LIMIT 10000)`,
      [retentionMs / 1000],
    )
    if (rowCount) logger.info({ purged: rowCount }, 'purged sent outbox rows')
  }

  function sleep(ms: number, byPoke: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(wake, ms)
      function wake() {
        clearTimeout(timer)
        sleeper = null
        resolve()
      }
      sleeper = { wake, byPoke }
    })
  }

  async function run() {
    let failures = 0
    while (running) {
      poked = false
      let delay = pollIntervalMs
      try {
        const n = await flushOnce()
        failures = 0
        if (n >= batchSize) delay = 0
        if (Date.now() - lastPurge >= purgeIntervalMs) await purge()
      } catch (err) {
        failures++
        delay = Math.min(maxBackoffMs, pollIntervalMs * 2 ** failures)
        logger.warn({ err: errorMessage(err), retryInMs: delay }, 'outbox relay could not publish, backing off')
      }
      // A poke during a healthy pass means a row may have committed after our SELECT.
      if (failures === 0 && poked) delay = 0
      if (delay > 0 && running) await sleep(delay, failures === 0)
    }
  }

  return {
    start() {
      if (running) return
      running = true
      loop = run()
    },
    async stop() {
      running = false
      sleeper?.wake()
      await loop
      loop = null
    },
    flushOnce,
    poke() {
      poked = true
      if (sleeper?.byPoke) sleeper.wake()
    },
    async backlog() {
      const { rows } = await pool.query<{ count: number; oldest: number | null }>(
        `SELECT count(*)::int AS count, EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS oldest
         FROM outbox WHERE sent_at IS NULL`,
      )
      return { count: rows[0].count, oldestAgeSeconds: rows[0].oldest }
    },
  }
}
