import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { EventEnvelope } from '@shop/contracts'
import { ensureDatabase } from '@shop/platform/db'
import { type EmbeddedPostgresHandle, embeddedPgDir, startEmbeddedPostgres } from '@shop/platform/embedded-postgres'
import { answers, testAmqpUrl } from '@shop/platform/testing'
import amqp from 'amqplib'
import { freePort } from '../e2e/shop.ts'
import { type FaultShop, sleep, waitFor } from './harness.ts'

/**
 * The faults: restarting the shared RabbitMQ, a PostgreSQL server of one service's own
 * that can be stopped and started, and copies of already-delivered events published
 * again with their original ids. Process kills are in harness.ts.
 */

const run = promisify(execFile)

async function rabbitmqctl(...args: string[]): Promise<void> {
  await run('rabbitmqctl', args, { timeout: 90_000 })
}

/** True once the broker accepts an AMQP login (the port alone opens before the app is up). */
async function brokerAnswers(): Promise<boolean> {
  if (!(await answers(testAmqpUrl()))) return false
  try {
    const conn = await amqp.connect(testAmqpUrl(), { timeout: 2000 })
    await conn.close()
    return true
  } catch {
    return false
  }
}

/**
 * Brings the shared broker back whatever state it is in: start_app, or a whole
 * `rabbitmq-server -detached` when the node itself is gone; waits until it answers.
 */
export async function ensureBrokerUp(): Promise<void> {
  if (await brokerAnswers()) return
  try {
    await rabbitmqctl('start_app')
  } catch {
    await run('rabbitmq-server', ['-detached'], { timeout: 30_000 }).catch(() => {})
  }
  await waitFor('RabbitMQ to answer again', brokerAnswers, 90_000, 500)
}

/**
 * Stops the RabbitMQ application (every connection drops; durable queues and persistent
 * messages stay), keeps it down for `downMs`, starts it again and waits until it
 * answers. Whatever happens, the broker is up when this returns or throws.
 */
export async function restartBroker(downMs: number): Promise<void> {
  try {
    await rabbitmqctl('stop_app')
    await sleep(downMs)
    await rabbitmqctl('start_app')
  } finally {
    await ensureBrokerUp()
  }
}

export interface OwnPostgres {
  /** URL of a database created on it, for `<SERVICE>_DATABASE_URL`. */
  databaseUrl: string
  /** Stops the server (every connection drops), waits `downMs`, starts it on the same port and data. */
  restart(downMs: number): Promise<void>
  stop(): Promise<void>
}

/** A PostgreSQL server for one service alone (embedded-postgres), on a free port, in a temporary folder. */
export async function startOwnPostgres(database: string): Promise<OwnPostgres> {
  const dataDir = await mkdtemp(join(tmpdir(), 'shop-fault-pg-'))
  const port = await freePort()
  let handle: EmbeddedPostgresHandle | undefined = await startEmbeddedPostgres({ dataDir, port })
  const databaseUrl = await ensureDatabase(handle.url, database)
  return {
    databaseUrl,
    async restart(downMs) {
      await handle?.stop()
      handle = undefined
      await sleep(downMs)
      handle = await startEmbeddedPostgres({ dataDir, port })
    },
    async stop() {
      await handle?.stop().catch(() => {})
      handle = undefined
      // Run as root, the cluster lives outside dataDir (see embeddedPgDir): remove both.
      await rm(embeddedPgDir(dataDir), { recursive: true, force: true })
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

const PUBLISHERS = ['order', 'payment', 'product', 'shipping'] as const

/**
 * Publishes again, straight to this shop's exchange and in shuffled order, every event
 * the services have already sent: the same ids, so only the consumers' inboxes stand
 * between a duplicate and a second effect. Returns how many copies went out.
 */
export async function redeliverSentEvents(fs: FaultShop, rng: () => number = Math.random): Promise<number> {
  const events: EventEnvelope[] = []
  for (const db of PUBLISHERS) {
    const rows = await fs.query<{ envelope: EventEnvelope }>(db, 'SELECT envelope FROM outbox WHERE sent_at IS NOT NULL')
    events.push(...rows.map((r) => r.envelope))
  }
  const shuffled = events
    .map((e) => ({ e, k: rng() }))
    .sort((a, b) => a.k - b.k)
    .map(({ e }) => e)
  const conn = await amqp.connect(testAmqpUrl())
  try {
    const ch = await conn.createConfirmChannel()
    const exchange = `${fs.shop.env.AMQP_PREFIX ?? ''}shop.events`
    for (const e of shuffled) {
      const props = { persistent: true, contentType: 'application/json', messageId: e.id, type: e.type, appId: e.source }
      ch.publish(exchange, e.type, Buffer.from(JSON.stringify(e)), props)
    }
    await ch.waitForConfirms()
    await ch.close()
  } finally {
    await conn.close().catch(() => {})
  }
  return shuffled.length
}
