import { randomUUID } from 'node:crypto'
import amqp from 'amqplib'
import { type EventEnvelope, InvalidEvent } from '@shop/contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRabbitBus, type RabbitBus } from '../src/bus-rabbitmq.ts'
import { createPool, withTransaction } from '../src/db.ts'
import { createEvent, DEFAULT_RETRY_DELAYS_MS } from '../src/events.ts'
import { createOutboxRelay, enqueueEvent, outboxInsert, outboxRow } from '../src/outbox.ts'
import { createTestDatabase, eventually, serverAvailable, type TestDatabase, testAmqpUrl, uniqueName } from '../src/testing.ts'
import { startTcpProxy, type TcpProxy } from '../src/testing-proxy.ts'

const ok = await serverAvailable('rabbitmq')
const productUpdated = () => createEvent('catalog', 'product.updated', { productId: randomUUID(), fields: ['price'] })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe.runIf(ok)('transactional outbox over RabbitMQ', () => {
  const prefix = `${uniqueName('outbox')}.`
  let db: TestDatabase
  let bus: RabbitBus
  let proxy: TcpProxy
  let proxied: RabbitBus
  /** Deliveries per event id, as the consumer saw them. */
  const deliveries = new Map<string, number>()
  const delivered = (id: string) => deliveries.get(id) ?? 0

  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'outbox' })
    bus = await createRabbitBus({ url: testAmqpUrl(), prefix })
    const target = new URL(testAmqpUrl())
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5672) })
    const viaProxy = new URL(testAmqpUrl())
    viaProxy.hostname = '127.0.0.1'
    viaProxy.port = String(proxy.port)
    proxied = await createRabbitBus({ url: viaProxy.toString(), prefix, publishTimeoutMs: 500, reconnectMinMs: 50, reconnectMaxMs: 200 })
    await bus.subscribe({
      service: 'audit',
      types: ['product.updated'],
      prefetch: 50,
      handler: async (e) => void deliveries.set(e.id, delivered(e.id) + 1),
    })
  })

  afterAll(async () => {
    await proxied?.close()
    await bus?.close()
    await proxy?.close()
    await db?.drop()
    const conn = await amqp.connect(testAmqpUrl())
    const ch = await conn.createChannel()
    const { names } = bus
    const retries = DEFAULT_RETRY_DELAYS_MS.map((ms) => names.retryQueue('audit', ms))
    for (const q of [names.queue('audit'), names.dlq('audit'), ...retries]) await ch.deleteQueue(q)
    await ch.deleteExchange(names.exchange)
    await ch.deleteExchange(names.dlx)
    await conn.close()
  })

  const row = async (id: string) =>
    (await db.pool.query('SELECT sent_at, attempts, last_error FROM outbox WHERE id = $1', [id])).rows[0] as
      | { sent_at: Date | null; attempts: number; last_error: string | null }
      | undefined

  it('publishes nothing for a rolled-back transaction', async () => {
    const event = productUpdated()
    await expect(
      withTransaction(db.pool, async (client) => {
        await enqueueEvent(client, event)
        throw new Error('business rule failed')
      }),
    ).rejects.toThrow('business rule failed')
    const relay = createOutboxRelay({ pool: db.pool, bus })
    expect(await relay.flushOnce()).toBe(0)
    expect(await row(event.id)).toBeUndefined()
    await sleep(200)
    expect(delivered(event.id)).toBe(0)
  })

  it('refuses an invalid envelope at enqueue time and stores nothing', async () => {
    const bad = { ...productUpdated(), data: { productId: 'x' } } as unknown as EventEnvelope
    await expect(withTransaction(db.pool, (client) => enqueueEvent(client, bad))).rejects.toBeInstanceOf(InvalidEvent)
    expect(await row(bad.id)).toBeUndefined()
  })

  it('a row the contract rejects stays in the backlog with its error and does not hold back later rows', async () => {
    const bad = { ...productUpdated(), data: { productId: 'x' } }
    await db.pool.query('INSERT INTO outbox (id, type, envelope) VALUES ($1, $2, $3)', [bad.id, bad.type, JSON.stringify(bad)])
    const good = productUpdated()
    await withTransaction(db.pool, (client) => enqueueEvent(client, good))
    const relay = createOutboxRelay({ pool: db.pool, bus })
    expect(await relay.flushOnce()).toBe(1)
    await eventually(() => delivered(good.id) === 1)
    const stuck = await row(bad.id)
    expect(stuck?.sent_at).toBeNull()
    expect(stuck?.last_error).toMatch(/invalid event/)
    await db.pool.query('DELETE FROM outbox WHERE id = $1', [bad.id])
  })

  /** Commits events as a hot path does: rows written `direct`, which their writer publishes itself. */
  async function commitDirect(events: EventEnvelope[]) {
    for (const e of events) await db.pool.query(outboxInsert(1, 'true', { direct: true }), outboxRow(e))
  }

  it('rows written direct are published by their writer and marked together; meanwhile the relay leaves them alone', async () => {
    const events = Array.from({ length: 5 }, productUpdated)
    await commitDirect(events)
    const sent: string[] = []
    const relay = createOutboxRelay({ pool: db.pool, bus, markDelayMs: 500, onSent: (es) => sent.push(...es.map((e) => e.id)) })
    expect(await relay.flushOnce()).toBe(0)
    relay.publishCommitted(events)
    await eventually(() => events.every((e) => delivered(e.id) === 1))
    await eventually(async () => (await row(events[4].id))?.sent_at instanceof Date)
    const { rows } = await db.pool.query<{ sent_at: Date; attempts: number }>('SELECT sent_at, attempts FROM outbox WHERE id = ANY($1::uuid[])', [events.map((e) => e.id)])
    // One UPDATE stamped them all: one transaction, one now().
    expect(new Set(rows.map((r) => r.sent_at.toISOString())).size).toBe(1)
    expect(rows.map((r) => r.attempts)).toEqual([1, 1, 1, 1, 1])
    expect(sent.sort()).toEqual(events.map((e) => e.id).sort())
    expect(await relay.flushOnce()).toBe(0)
    await sleep(100)
    expect(events.map((e) => delivered(e.id))).toEqual([1, 1, 1, 1, 1])
    await relay.stop()
  })

  it('a direct row whose publish failed, or whose writer died before publishing, is sent by the relay once its grace is over, and once', async () => {
    const [failed, orphan] = [productUpdated(), productUpdated()]
    await commitDirect([failed, orphan])
    const refusing: RabbitBus = { ...bus, publish: async () => Promise.reject(new Error('broker said no')) }
    const writer = createOutboxRelay({ pool: db.pool, bus: refusing })
    writer.publishCommitted([failed])
    await writer.stop()
    expect(await row(failed.id)).toMatchObject({ sent_at: null })
    const relay = createOutboxRelay({ pool: db.pool, bus })
    expect(await relay.flushOnce()).toBe(0)
    // The grace passes.
    await db.pool.query(`UPDATE outbox SET publish_after = now() - interval '1 second' WHERE id = ANY($1::uuid[])`, [[failed.id, orphan.id]])
    expect(await relay.flushOnce()).toBe(2)
    await eventually(() => delivered(failed.id) === 1 && delivered(orphan.id) === 1)
    expect(await relay.flushOnce()).toBe(0)
    await sleep(100)
    expect([delivered(failed.id), delivered(orphan.id)]).toEqual([1, 1])
  })

  it('stop() waits for direct publishes in flight and writes their marks at once', async () => {
    const event = productUpdated()
    await commitDirect([event])
    const relay = createOutboxRelay({ pool: db.pool, bus, markDelayMs: 60_000 })
    relay.publishCommitted([event])
    await relay.stop()
    expect((await row(event.id))?.sent_at).toBeInstanceOf(Date)
    await eventually(() => delivered(event.id) === 1)
  })

  it('keeps an event committed while RabbitMQ is unreachable and delivers it once the path is back', async () => {
    const relay = createOutboxRelay({ pool: db.pool, bus: proxied, pollIntervalMs: 50, maxBackoffMs: 200 })
    proxy.cut()
    await eventually(() => !proxied.isConnected())
    const event = productUpdated()
    await withTransaction(db.pool, (client) => enqueueEvent(client, event))
    relay.start()
    relay.poke()
    await eventually(async () => ((await row(event.id))?.attempts ?? 0) >= 2)
    const stuck = await row(event.id)
    expect(stuck?.sent_at).toBeNull()
    expect(stuck?.last_error).toMatch(/not reachable|confirm/)
    expect((await relay.backlog()).count).toBe(1)
    expect(delivered(event.id)).toBe(0)

    proxy.restore()
    await eventually(() => delivered(event.id) === 1, { timeoutMs: 15_000 })
    await eventually(async () => (await row(event.id))?.sent_at instanceof Date)
    expect(await relay.backlog()).toEqual({ count: 0, oldestAgeSeconds: null })
    await relay.stop()
  })

  it('a relay that dies between the broker confirm and the mark leaves the row unsent: the next relay publishes it again', async () => {
    const event = productUpdated()
    await withTransaction(db.pool, (client) => enqueueEvent(client, event))
    // The relay's own connections, so that killing them is its crash alone.
    const pool = createPool(db.url, { max: 2, applicationName: 'relay-that-dies' })
    pool.on('error', () => {})
    const dying: RabbitBus = {
      ...bus,
      publish: async (e) => {
        await bus.publish(e)
        // Confirmed by the broker; now the relay's process dies before it marks the row.
        await db.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'relay-that-dies'`)
      },
    }
    try {
      await expect(createOutboxRelay({ pool, bus: dying }).flushOnce()).rejects.toThrow()
    } finally {
      await pool.end()
    }
    await eventually(() => delivered(event.id) === 1)
    expect(await row(event.id)).toMatchObject({ sent_at: null, attempts: 0 })

    expect(await createOutboxRelay({ pool: db.pool, bus }).flushOnce()).toBe(1)
    await eventually(() => delivered(event.id) === 2)
    expect((await row(event.id))?.sent_at).toBeInstanceOf(Date)
  })

  it('two relays on one database deliver every row exactly once', async () => {
    const events = Array.from({ length: 120 }, productUpdated)
    await withTransaction(db.pool, async (client) => {
      for (const e of events) await enqueueEvent(client, e)
    })
    const backlog = await createOutboxRelay({ pool: db.pool, bus }).backlog()
    expect(backlog.count).toBe(120)
    expect(backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(0)

    const published = [0, 0]
    const counting = (i: number): RabbitBus => ({ ...bus, publish: async (e) => (await bus.publish(e), void published[i]++) })
    const relays = [0, 1].map((i) => createOutboxRelay({ pool: db.pool, bus: counting(i), batchSize: 10, pollIntervalMs: 20 }))
    for (const r of relays) r.start()
    await eventually(() => events.every((e) => delivered(e.id) >= 1), { timeoutMs: 20_000 })
    await Promise.all(relays.map((r) => r.stop()))
    await sleep(200)
    expect(events.filter((e) => delivered(e.id) !== 1)).toEqual([])
    expect(published[0] + published[1]).toBe(120)
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL')
    expect(rows[0].n).toBe(0)
  })

  it('a running relay works through a backlog in chained batches: every row once, marked, no transaction left open', async () => {
    const events = Array.from({ length: 25 }, productUpdated)
    await withTransaction(db.pool, async (client) => {
      for (const e of events) await enqueueEvent(client, e)
    })
    const pool = createPool(db.url, { max: 2, applicationName: 'chaining-relay' })
    const relay = createOutboxRelay({ pool, bus, batchSize: 10, pollIntervalMs: 60_000 })
    try {
      relay.start()
      relay.poke()
      await eventually(() => events.every((e) => delivered(e.id) >= 1), { timeoutMs: 10_000 })
      await eventually(async () => (await relay.backlog()).count === 0)
      // The chain ended with the batch of 5: its COMMIT closed the transaction the last lock opened.
      await eventually(async () => {
        const { rows } = await db.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'chaining-relay' AND state <> 'idle'`,
        )
        return rows[0].n === 0
      })
    } finally {
      await relay.stop()
      await pool.end()
    }
    await sleep(200)
    expect(events.filter((e) => delivered(e.id) !== 1)).toEqual([])
  })

  it('a relay that dies in a chain loses no row: the batch marked with the next lock stays sent, the next batch is published again', async () => {
    const events = Array.from({ length: 6 }, productUpdated)
    await withTransaction(db.pool, async (client) => {
      for (const e of events) await enqueueEvent(client, e)
    })
    const pool = createPool(db.url, { max: 2, applicationName: 'chain-that-dies' })
    pool.on('error', () => {})
    let published = 0
    const dying: RabbitBus = {
      ...bus,
      publish: async (e) => {
        await bus.publish(e)
        // The fourth row is the first of the second batch: confirmed, then the process dies.
        if (++published === 4) await db.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'chain-that-dies'`)
      },
    }
    const relay = createOutboxRelay({ pool, bus: dying, batchSize: 3, pollIntervalMs: 60_000 })
    try {
      relay.start()
      relay.poke()
      await eventually(async () => events.slice(3).some((e) => delivered(e.id) >= 1))
      await relay.stop()
    } finally {
      await pool.end()
    }
    await eventually(async () => {
      const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE id = ANY($1::uuid[]) AND sent_at IS NOT NULL', [
        events.slice(0, 3).map((e) => e.id),
      ])
      return rows[0].n === 3
    })
    const unsent = await db.pool.query<{ id: string }>('SELECT id FROM outbox WHERE id = ANY($1::uuid[]) AND sent_at IS NULL', [events.map((e) => e.id)])
    expect(unsent.rows.map((r) => r.id).sort()).toEqual(events.slice(3).map((e) => e.id).sort())

    expect(await createOutboxRelay({ pool: db.pool, bus }).flushOnce()).toBe(3)
    // The second batch went to the broker back to back before the process died: each row of it twice, the first batch once.
    await eventually(() => events.slice(3).every((e) => delivered(e.id) === 2))
    await sleep(200)
    expect(events.map((e) => delivered(e.id))).toEqual([1, 1, 1, 2, 2, 2])
  })

  it('a relay kept busy by pokes still purges sent rows on time: its chain gives way to the purge', async () => {
    // A broker slow to confirm: every batch sees commits poked while it waits, so the chain never runs dry.
    const slow: RabbitBus = { ...bus, publish: async (e) => (await sleep(20), bus.publish(e)) }
    const relay = createOutboxRelay({ pool: db.pool, bus: slow, pollIntervalMs: 60_000, retentionMs: 0, purgeIntervalMs: 100 })
    const first = productUpdated()
    await withTransaction(db.pool, (client) => enqueueEvent(client, first))
    relay.start()
    relay.poke()
    let producing = true
    const producer = (async () => {
      while (producing) {
        await withTransaction(db.pool, (client) => enqueueEvent(client, productUpdated()))
        relay.poke()
      }
    })()
    try {
      await eventually(() => delivered(first.id) === 1)
      await eventually(async () => (await row(first.id)) === undefined, { timeoutMs: 5_000 })
    } finally {
      producing = false
      await producer
      await relay.stop()
      // What the producer added last goes out now, so the tests after this one start from an empty outbox.
      const drain = createOutboxRelay({ pool: db.pool, bus })
      while ((await drain.flushOnce()) > 0);
    }
  })

  it('skips rows another relay holds locked instead of sending them too', async () => {
    const events = Array.from({ length: 6 }, productUpdated)
    await withTransaction(db.pool, async (client) => {
      for (const e of events) await enqueueEvent(client, e)
    })
    const relay = createOutboxRelay({ pool: db.pool, bus })
    const other = await db.pool.connect()
    try {
      await other.query('BEGIN')
      // What a second relay's transaction holds while it publishes the first three rows.
      await other.query('SELECT id FROM outbox WHERE id = ANY($1::uuid[]) FOR UPDATE', [events.slice(0, 3).map((e) => e.id)])
      expect(await relay.flushOnce()).toBe(3)
      await other.query('ROLLBACK')
    } finally {
      other.release()
    }
    await eventually(() => events.slice(3).every((e) => delivered(e.id) === 1))
    expect(events.slice(0, 3).map((e) => delivered(e.id))).toEqual([0, 0, 0])
    expect(await relay.flushOnce()).toBe(3)
    await eventually(() => events.every((e) => delivered(e.id) === 1))
  })

  it('an idle relay finds, on its own poll, a row committed without a poke (another process wrote it)', async () => {
    const relay = createOutboxRelay({ pool: db.pool, bus, pollIntervalMs: 50 })
    relay.start()
    // Several polls with nothing to send: each only looks.
    await sleep(200)
    const event = productUpdated()
    await withTransaction(db.pool, (client) => enqueueEvent(client, event))
    await eventually(() => delivered(event.id) === 1, { timeoutMs: 5_000 })
    await eventually(async () => (await row(event.id))?.sent_at instanceof Date)
    expect((await row(event.id))?.attempts).toBe(1)
    await relay.stop()
  })

  it('poke() makes a sleeping relay publish right away, and sent rows past retention are purged', async () => {
    const relay = createOutboxRelay({ pool: db.pool, bus, pollIntervalMs: 60_000, retentionMs: 0, purgeIntervalMs: 0 })
    relay.start()
    await sleep(100)
    const event = productUpdated()
    await withTransaction(db.pool, (client) => enqueueEvent(client, event))
    relay.poke()
    await eventually(() => delivered(event.id) === 1, { timeoutMs: 5_000 })
    relay.poke()
    await eventually(async () => (await row(event.id)) === undefined)
    await relay.stop()
  })
})
