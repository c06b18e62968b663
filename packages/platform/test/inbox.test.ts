import { randomUUID } from 'node:crypto'
import amqp from 'amqplib'
import type { EventEnvelope } from '@shop/contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryBus } from '../src/bus-memory.ts'
import { createRabbitBus, type RabbitBus } from '../src/bus-rabbitmq.ts'
import { createPool, type PoolClient } from '../src/db.ts'
import { createEvent } from '../src/events.ts'
import { claimRow, effectStatement, handleOnce, inboxClaim, subscribeHandlers } from '../src/inbox.ts'
import { createTestDatabase, eventually, serverAvailable, type TestDatabase, testAmqpUrl, uniqueName } from '../src/testing.ts'
import { startTcpProxy } from '../src/testing-proxy.ts'

const rabbit = await serverAvailable('rabbitmq')
const productUpdated = () => createEvent('catalog', 'product.updated', { productId: randomUUID(), fields: ['price'] })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase({ prefix: 'inbox' })
  // The effect a consumer applies; counting its rows counts the effects.
  await db.pool.query('CREATE TABLE effects (event_id uuid NOT NULL, consumer text NOT NULL, at timestamptz DEFAULT now())')
})

afterAll(async () => {
  await db?.drop()
})

const applyEffect = (consumer: string, event: EventEnvelope) => async (client: PoolClient) => {
  await client.query('INSERT INTO effects (event_id, consumer) VALUES ($1, $2)', [event.id, consumer])
}
const effects = async (event: EventEnvelope) =>
  (await db.pool.query('SELECT count(*)::int AS n FROM effects WHERE event_id = $1', [event.id])).rows[0].n as number

describe('inbox handleOnce', () => {
  it('applies an event once and reports the second delivery as a duplicate', async () => {
    const event = productUpdated()
    expect(await handleOnce(db.pool, 'order', event, applyEffect('order', event))).toBe('applied')
    expect(await handleOnce(db.pool, 'order', event, applyEffect('order', event))).toBe('duplicate')
    expect(await effects(event)).toBe(1)
  })

  it('keeps consumers apart: the same event applies once for each consumer', async () => {
    const event = productUpdated()
    expect(await handleOnce(db.pool, 'order', event, applyEffect('order', event))).toBe('applied')
    expect(await handleOnce(db.pool, 'shipping', event, applyEffect('shipping', event))).toBe('applied')
    expect(await effects(event)).toBe(2)
  })

  it('concurrent deliveries of one event have one effect: the duplicate waits for the first, then sees it', async () => {
    const event = productUpdated()
    const slowEffect = async (client: PoolClient) => {
      await client.query('SELECT pg_sleep(0.2)')
      await applyEffect('order', event)(client)
    }
    const results = await Promise.all([1, 2, 3].map(() => handleOnce(db.pool, 'order', event, slowEffect)))
    expect(results.sort()).toEqual(['applied', 'duplicate', 'duplicate'])
    expect(await effects(event)).toBe(1)
  })

  it('a handler that throws rolls back its inbox row, so the duplicate waiting on it applies', async () => {
    const event = productUpdated()
    let rowTaken = () => {}
    const firstHoldsRow = new Promise<void>((resolve) => (rowTaken = resolve))
    const failing = async (client: PoolClient) => {
      await applyEffect('order', event)(client)
      rowTaken()
      await sleep(100)
      throw new Error('handler failed')
    }
    const first = handleOnce(db.pool, 'order', event, failing)
    await firstHoldsRow
    const second = handleOnce(db.pool, 'order', event, applyEffect('order', event))
    const [a, b] = await Promise.allSettled([first, second])
    expect(a.status).toBe('rejected')
    expect(b).toEqual({ status: 'fulfilled', value: 'applied' })
    expect(await effects(event)).toBe(1)
  })

  it("stores a consumer name with quotes and backslashes as it is (the claim travels as literals with BEGIN)", async () => {
    const event = productUpdated()
    const consumer = `o'brien\\'; DROP TABLE effects; --`
    expect(await handleOnce(db.pool, consumer, event, applyEffect(consumer, event))).toBe('applied')
    expect(await handleOnce(db.pool, consumer, event, applyEffect(consumer, event))).toBe('duplicate')
    const { rows } = await db.pool.query('SELECT consumer FROM inbox WHERE event_id = $1', [event.id])
    expect(rows).toEqual([{ consumer }])
    expect(await effects(event)).toBe(1)
  })

  it('an event id that is not a uuid fails the claim before the handler runs, and its connection is rolled back', async () => {
    // One connection, so the query after the failure runs on the very client the claim used.
    const pool = createPool(db.url, { max: 1 })
    try {
      let ran = false
      const bad = { ...productUpdated(), id: "x'y" }
      await expect(handleOnce(pool, 'order', bad, async () => void (ran = true))).rejects.toThrow(/uuid/)
      expect(ran).toBe(false)
      const { rows } = await pool.query<{ fresh: boolean }>('SELECT pg_current_xact_id_if_assigned() IS NULL AS fresh')
      expect(rows).toEqual([{ fresh: true }])
    } finally {
      await pool.end()
    }
  })
})

describe('inbox effectStatement', () => {
  const record = effectStatement<'product.updated'>(
    'INSERT INTO effects (event_id, consumer) SELECT $4::uuid, $5::text FROM claim',
    (event) => [event.id, 'mirror'],
  )

  it('applies the effect with its claim in one statement, once; a second delivery is a duplicate', async () => {
    const event = productUpdated()
    expect(await record.run(db.pool, 'mirror', event)).toBe('applied')
    expect(await record.run(db.pool, 'mirror', event)).toBe('duplicate')
    expect(await effects(event)).toBe(1)
    const { rows } = await db.pool.query('SELECT consumer, event_type FROM inbox WHERE event_id = $1', [event.id])
    expect(rows).toEqual([{ consumer: 'mirror', event_type: 'product.updated' }])
  })

  it('concurrent deliveries of one event have one effect', async () => {
    const event = productUpdated()
    const results = await Promise.all([1, 2, 3, 4].map(() => record.run(db.pool, 'mirror', event)))
    expect(results.sort()).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate'])
    expect(await effects(event)).toBe(1)
  })

  it('values that throw write nothing, not even the claim, so a later delivery applies', async () => {
    const event = productUpdated()
    const broken = effectStatement<'product.updated'>('INSERT INTO effects (event_id, consumer) SELECT $4::uuid, $5::text FROM claim', () => {
      throw new Error('unreadable')
    })
    await expect(broken.run(db.pool, 'mirror', event)).rejects.toThrow('unreadable')
    expect((await db.pool.query('SELECT 1 FROM inbox WHERE event_id = $1', [event.id])).rowCount).toBe(0)
    expect(await record.run(db.pool, 'mirror', event)).toBe('applied')
  })
})

describe('inboxClaim', () => {
  // A claim made only while a gate row is open (what a state check on a locked row is to a service).
  const claimWhenOpen = `WITH g AS (SELECT 1 FROM gates WHERE id = $1 AND open FOR UPDATE),
    claim AS (${inboxClaim(2, 'EXISTS (SELECT 1 FROM g)')}),
    effect AS (INSERT INTO effects (event_id, consumer) SELECT $3::uuid, $2 FROM claim)
    SELECT EXISTS (SELECT 1 FROM g) AS fits, EXISTS (SELECT 1 FROM claim) AS claimed`
  const run = async (gate: number, event: EventEnvelope) =>
    (await db.pool.query<{ fits: boolean; claimed: boolean }>(claimWhenOpen, [gate, ...claimRow('gated', event)])).rows[0]

  beforeAll(async () => {
    await db.pool.query('CREATE TABLE gates (id int PRIMARY KEY, open boolean NOT NULL)')
    await db.pool.query('INSERT INTO gates VALUES (1, true), (2, false)')
  })

  it('claims, with its effect, only when its condition holds; a claim made is a duplicate next time', async () => {
    const event = productUpdated()
    expect(await run(2, event)).toEqual({ fits: false, claimed: false })
    expect((await db.pool.query('SELECT 1 FROM inbox WHERE event_id = $1', [event.id])).rowCount).toBe(0)
    expect(await run(1, event)).toEqual({ fits: true, claimed: true })
    expect(await run(1, event)).toEqual({ fits: true, claimed: false })
    expect(await effects(event)).toBe(1)
    // The general path agrees: the event is claimed.
    expect(await handleOnce(db.pool, 'gated', event, applyEffect('gated', event))).toBe('duplicate')
  })

  it('concurrent deliveries claim once', async () => {
    const event = productUpdated()
    const results = await Promise.all([1, 2, 3, 4].map(() => run(1, event)))
    expect(results.filter((r) => r.claimed)).toHaveLength(1)
    expect(await effects(event)).toBe(1)
  })
})

describe('subscribeHandlers on the memory bus', () => {
  it('runs a statement handler once per event id', async () => {
    const bus = createMemoryBus()
    await subscribeHandlers(bus, db.pool, {
      service: 'statement-mirror',
      handlers: {
        'product.updated': effectStatement('INSERT INTO effects (event_id, consumer) SELECT $4::uuid, $5::text FROM claim', (event) => [
          event.id,
          'statement-mirror',
        ]),
      },
    })
    const event = productUpdated()
    await bus.publish(event)
    await bus.publish(event)
    await bus.idle()
    expect(await effects(event)).toBe(1)
    await bus.close()
  })

  it('runs the handler for each subscribed type through the inbox, so a republished event applies once', async () => {
    const bus = createMemoryBus()
    const seen: string[] = []
    await subscribeHandlers(bus, db.pool, {
      service: 'catalog-mirror',
      handlers: {
        'product.updated': async (client, event) => {
          seen.push(event.data.productId)
          await applyEffect('catalog-mirror', event)(client)
        },
      },
    })
    const event = productUpdated()
    await bus.publish(event)
    await bus.publish(event)
    await bus.idle()
    expect(seen).toEqual([event.data.productId])
    expect(await effects(event)).toBe(1)
    await bus.close()
  })
})

describe.runIf(rabbit)('inbox with RabbitMQ redelivery', () => {
  const prefix = `${uniqueName('inbox')}.`
  let bus: RabbitBus

  beforeAll(async () => {
    bus = await createRabbitBus({ url: testAmqpUrl(), prefix, retryDelaysMs: [20] })
  })

  afterAll(async () => {
    await bus?.close()
    const conn = await amqp.connect(testAmqpUrl())
    const ch = await conn.createChannel()
    for (const s of ['crashy', 'killed']) {
      for (const q of [bus.names.queue(s), bus.names.dlq(s), bus.names.retryQueue(s, 20)]) await ch.deleteQueue(q)
    }
    await ch.deleteExchange(bus.names.exchange)
    await ch.deleteExchange(bus.names.dlx)
    await conn.close()
  })

  it('a consumer that fails after committing but before the ack gets the message again, and the effect applies once', async () => {
    const outcomes: string[] = []
    const sub = await bus.subscribe({
      service: 'crashy',
      types: ['product.updated'],
      handler: async (event, info) => {
        outcomes.push(await handleOnce(db.pool, 'crashy', event, applyEffect('crashy', event)))
        if (info.attempt === 1) throw new Error('crashed before ack')
      },
    })
    const event = productUpdated()
    await bus.publish(event)
    await eventually(() => outcomes.length === 2)
    expect(outcomes).toEqual(['applied', 'duplicate'])
    expect(await effects(event)).toBe(1)
    await sub.stop()
  })

  it('a consumer whose connection dies before the ack has the message redelivered to another replica, effect once', async () => {
    const target = new URL(testAmqpUrl())
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5672) })
    const viaProxy = new URL(testAmqpUrl())
    viaProxy.hostname = '127.0.0.1'
    viaProxy.port = String(proxy.port)
    const doomed = await createRabbitBus({ url: viaProxy.toString(), prefix, retryDelaysMs: [20], reconnectMinMs: 5000 })
    const outcomes: string[] = []
    let committed = false
    let release = () => {}
    const hang = new Promise<void>((resolve) => (release = resolve))
    await doomed.subscribe({
      service: 'killed',
      types: ['product.updated'],
      handler: async (event) => {
        outcomes.push(await handleOnce(db.pool, 'killed', event, applyEffect('killed', event)))
        committed = true
        await hang // no ack before the connection dies: as if the process were killed here
      },
    })
    const event = productUpdated()
    await bus.publish(event)
    await eventually(() => committed)
    proxy.cut()
    const replica = await bus.subscribe({
      service: 'killed',
      types: ['product.updated'],
      handler: async (e) => void outcomes.push(await handleOnce(db.pool, 'killed', e, applyEffect('killed', e))),
    })
    await eventually(() => outcomes.length === 2)
    expect(outcomes).toEqual(['applied', 'duplicate'])
    expect(await effects(event)).toBe(1)
    await replica.stop()
    release()
    await doomed.close()
    await proxy.close()
  })
})
